//! `eval`: one decision, explained.

use std::io::Write;
use std::path::PathBuf;

use clap::{ArgAction, Args};

use crate::app::{self};
use crate::exit::Exit;

use super::args::{ConfigArgs, PlainFormatArgs};
use super::check::{given, show_settings, shown_paths};
use super::output::{print_out, usage_error};

/// Gait `gate eval` inputs.
#[derive(Debug, Args, Default)]
pub struct GaitEvalArgs {
    /// Report what would happen without enforcing (Gait simulate mode).
    #[arg(long)]
    pub simulate: bool,
    /// The evaluation time (RFC 3339) for freeze windows, token expiry and the kill switch;
    /// default: now.
    #[arg(long)]
    pub evaluation_time: Option<String>,
    /// Approval token file (repeatable).
    #[arg(long, action = ArgAction::Append)]
    pub approval_token: Vec<PathBuf>,
    /// Further approval tokens, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub approval_token_chain: Vec<PathBuf>,
    /// Ed25519 public key (base64) that signs approval tokens.
    #[arg(long)]
    pub approval_public_key: Option<PathBuf>,
    /// Delegation token file.
    #[arg(long, action = ArgAction::Append)]
    pub delegation_token: Vec<PathBuf>,
    /// Further delegation tokens of the chain, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub delegation_token_chain: Vec<PathBuf>,
    /// Ed25519 public key (base64) that signs delegation tokens.
    #[arg(long)]
    pub delegation_public_key: Option<PathBuf>,
    /// Without delegation tokens, let the intent's delegation claims decide (as `policy test`)
    /// instead of blocking with `delegation_token_missing` (as `gate eval`).
    #[arg(long)]
    pub delegation_from_intent: bool,
    /// Kill-switch state file.
    #[arg(long)]
    pub kill_switch_state: Option<PathBuf>,
    /// Rate-limit counters already used, in Gait's `gate_rate_limits.json` shape (read only,
    /// never written; default: no earlier requests).
    #[arg(long, value_name = "FILE")]
    pub rate_limit_state: Option<PathBuf>,
    /// Wrkr inventory file: enriches `auth_context` with `wrkr.*` tool metadata (an unreadable
    /// file fails closed for high/critical-risk intents).
    #[arg(long, value_name = "FILE")]
    pub wrkr_inventory: Option<PathBuf>,
    /// Approved-script registry file.
    #[arg(long)]
    pub approved_script_registry: Option<PathBuf>,
    /// Ed25519 public key (base64) that signs approved-script entries.
    #[arg(long)]
    pub approved_script_public_key: Option<PathBuf>,
}

/// An `--evaluation-time` that is not an RFC 3339 timestamp.
#[derive(Debug, thiserror::Error)]
#[error("invalid `--evaluation-time {text}`: {source} (expected RFC 3339)")]
pub struct BadEvaluationTime {
    text: String,
    source: jiff::Error,
}

impl GaitEvalArgs {
    pub(super) fn options(&self) -> Result<crate::gait::command::EvalOptions, BadEvaluationTime> {
        let evaluation_time = match &self.evaluation_time {
            None => None,
            Some(text) => {
                Some(
                    text.parse::<jiff::Timestamp>()
                        .map_err(|source| BadEvaluationTime {
                            text: text.clone(),
                            source,
                        })?,
                )
            }
        };
        Ok(crate::gait::command::EvalOptions {
            simulate: self.simulate,
            evaluation_time,
            approval_tokens: self
                .approval_token
                .iter()
                .chain(&self.approval_token_chain)
                .cloned()
                .collect(),
            approval_public_key: self.approval_public_key.clone(),
            delegation_tokens: self
                .delegation_token
                .iter()
                .chain(&self.delegation_token_chain)
                .cloned()
                .collect(),
            delegation_public_key: self.delegation_public_key.clone(),
            delegation_from_intent: self.delegation_from_intent,
            kill_switch_state: self.kill_switch_state.clone(),
            rate_limit_state: self
                .rate_limit_state
                .clone()
                .map(crate::gait::command::StateSource::File),
            wrkr_inventory: self.wrkr_inventory.clone(),
            approved_script_registry: self.approved_script_registry.clone(),
            approved_script_public_key: self.approved_script_public_key.clone(),
        })
    }
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("case").required(true).args(["intent", "input"])))]
pub struct EvalArgs {
    /// The policy (repeat for layered Stella Ops configuration files, later wins).
    #[arg(long, required = true, action = ArgAction::Append)]
    pub policy: Vec<PathBuf>,
    /// A Gait intent.
    #[arg(long)]
    pub intent: Option<PathBuf>,
    /// A Stella Ops fixture input (one case's `input` object, or a case with `input`).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Stella Ops determinization configuration (repeatable, layered after the policies).
    #[arg(long, action = ArgAction::Append)]
    pub determinization: Vec<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub gait: GaitEvalArgs,
    #[command(flatten)]
    pub format: PlainFormatArgs,
}

pub(super) fn eval(args: &EvalArgs) -> Exit {
    if args.config.show_settings {
        let settings: Vec<app::CommandLineSetting> = [given("policy", shown_paths(&args.policy))]
            .into_iter()
            .flatten()
            .collect();
        return show_settings(&args.config, &args.policy, &settings);
    }
    if let Some(input) = &args.input {
        return match app::run_stellaops_eval(
            &args.policy,
            input,
            &args.determinization,
            &args.config.choice(),
        ) {
            Ok(outcome) => {
                let exit = Exit::from_code(i64::from(outcome.exit_code));
                if args.format.json() {
                    let text = serde_json::to_string_pretty(&outcome.to_json()).unwrap_or_default();
                    print_out(&format!("{text}\n"), exit)
                } else {
                    print_out(&outcome.explanation, exit)
                }
            }
            Err(error) => usage_error(&error.to_string()),
        };
    }
    let gait = match args.gait.options() {
        Ok(gait) => gait,
        Err(error) => return usage_error(&error.to_string()),
    };
    let (Some(intent), [policy]) = (&args.intent, args.policy.as_slice()) else {
        return usage_error(
            "`--intent` takes exactly one `--policy` (a Gait policy); Stella Ops inputs use `--input`",
        );
    };
    let mut named = gait.named_paths();
    named.extend([policy.clone(), intent.clone()]);
    let reader = crate::source::Reader::new(&named);
    let evaluation = crate::gait::command::evaluate_files(&reader, policy, intent, &gait);
    let exit = Exit::from_code(i64::from(crate::gait::command::exit_of(&evaluation).code()));
    if args.format.json() {
        let output = crate::gait::command::render_json(&evaluation);
        let text = serde_json::to_string_pretty(&output).unwrap_or_default();
        return print_out(&format!("{text}\n"), exit);
    }
    let text = crate::gait::command::describe_located(&evaluation, &reader, policy, intent);
    if evaluation.is_err() {
        // The message already reads `error: …`; errors go to standard error.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
        return exit;
    }
    print_out(&text, exit)
}
