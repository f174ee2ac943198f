//! `rules`: the rule registry, listed.

use clap::Args;

use crate::exit::Exit;
use crate::rules::registry;

use super::args::PlainFormatArgs;
use super::output::print_out;

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub format: PlainFormatArgs,
}

pub(super) fn rules(args: &RulesArgs) -> Exit {
    if args.format.json() {
        let list: Vec<serde_json::Value> = registry::all()
            .map(|meta| {
                serde_json::json!({
                    "id": meta.id.as_str(),
                    "summary": meta.summary,
                    "severity": meta.severity.as_str(),
                    "since": meta.since,
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&list).unwrap_or_default();
        return print_out(&format!("{text}\n"), Exit::Success);
    }
    let width = registry::all()
        .map(|meta| meta.id.as_str().len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for meta in registry::all() {
        text.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            meta.id.as_str(),
            meta.severity.as_str(),
            meta.summary
        ));
    }
    print_out(&text, Exit::Success)
}
