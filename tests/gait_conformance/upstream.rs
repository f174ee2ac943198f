//! Gait's own Go tests as data: `testdata/eval/gait/upstream/*.json`, one file per Go test file,
//! each case citing the Go test it translates (`file:TestName/subcase`) and asserting only what
//! that test asserts. `SKIPPED.md` beside them lists the tests not translated, and why.
//!
//! A case file:
//!
//! ```json
//! {"source": "core/gate/policy_test.go",
//!  "policies": {"name": "yaml"}, "intents": {"name": {}}, "defaults": {},
//!  "cases": [{"test": "core/gate/policy_test.go:TestX/sub", "kind": "eval", "expect": {}}]}
//! ```
//!
//! * `defaults` is merged into every case (the case wins, key by key).
//! * `policy` is YAML text or `@name` of `policies`; `intent` is an object or `@name` of
//!   `intents`, then `intent_patch` (a JSON merge patch: `null` removes a key) is applied;
//!   `intent_text` is an intent file's raw text.
//! * Side files (`approval_token(s)`, `delegation_token(s)`, `kill_switch_state`,
//!   `wrkr_inventory`, `approved_script_registry`, `rate_limit_state`, `*_public_key`): a JSON
//!   value written as JSON, a string verbatim, `"<missing>"` for a file that does not exist.
//!   Strings `<intent_digest>`, `<policy_digest>`, `<script_hash>`,
//!   `<delegation_binding_digest>`, `<public_key>`, `<other_public_key>` and `<key_id>` in them
//!   stand for the case's values; `{"sign": "test" | "other", "token": {…}, "then": {patch}}`
//!   is the token signed with that key (as Gait's minting does), then patched (as a Go test
//!   mutates a minted token).
//!
//! Kinds: `eval` (`gatelint eval` on the policy and intent), `policy` (load the policy),
//! `intent` (decode and normalise the intent) and `cli` (the real binary on `files` with
//! `args`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use gatelint::gait::canonical;
use gatelint::gait::command::{EvalOptions, StateSource, eval_command};
use gatelint::gait::intent::load_intent;
use gatelint::gait::policy::load_policy;
use gatelint::gait::tokens::{ApprovalToken, ApprovedScriptEntry, DelegationToken};
use serde_json::{Map, Value, json};

const DEFAULT_TIME: &str = "2026-01-01T00:00:00Z";

/// Every field `gatelint eval --json` may print, and so may be expected.
const OUTPUT_FIELDS: &[&str] = &[
    "ok",
    "verdict",
    "reason_codes",
    "violations",
    "matched_rule",
    "policy_digest",
    "intent_digest",
    "phase",
    "required_approvals",
    "valid_approvals",
    "approval_ref",
    "delegation_required",
    "valid_delegations",
    "delegation_ref",
    "script",
    "step_count",
    "script_hash",
    "composite_risk_class",
    "step_verdicts",
    "pre_approved",
    "pattern_id",
    "registry_reason",
    "freeze_window",
    "sandbox",
    "kill_switch",
    "rate_limit_scope",
    "rate_limit_key",
    "rate_limit_used",
    "rate_limit_remaining",
    "destructive_budget_scope",
    "destructive_budget_key",
    "destructive_budget_used",
    "destructive_budget_remaining",
    "context_source",
    "simulate_mode",
    "would_have_blocked",
    "simulated_verdict",
    "simulated_reason_codes",
    "warnings",
    "error",
    "hint",
    "migration",
];

fn upstream_dir() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/eval/gait/upstream"
    ))
    .to_path_buf()
}

/// The upstream case files, sorted.
pub fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(upstream_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(map) = target else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

fn signing_key(name: &str) -> SigningKey {
    match name {
        "test" => SigningKey::from_bytes(&[7; 32]),
        "other" => SigningKey::from_bytes(&[9; 32]),
        other => panic!("unknown signing key `{other}`"),
    }
}

fn public_key_text(name: &str) -> String {
    STANDARD.encode(signing_key(name).verifying_key().as_bytes())
}

fn key_id(name: &str) -> String {
    canonical::sha256_hex(signing_key(name).verifying_key().as_bytes())
}

/// The values the placeholders of side files stand for.
#[derive(Default)]
struct Values {
    intent_digest: String,
    policy_digest: String,
    script_hash: String,
    delegation_binding_digest: String,
}

/// Replaces placeholders and signs `{"sign": …}` wrappers, depth first.
fn resolve(value: &Value, values: &Values) -> Value {
    match value {
        Value::String(text) => match text.as_str() {
            "<intent_digest>" => json!(values.intent_digest),
            "<policy_digest>" => json!(values.policy_digest),
            "<script_hash>" => json!(values.script_hash),
            "<delegation_binding_digest>" => json!(values.delegation_binding_digest),
            "<public_key>" => json!(public_key_text("test")),
            "<other_public_key>" => json!(public_key_text("other")),
            "<key_id>" => json!(key_id("test")),
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| resolve(v, values)).collect()),
        Value::Object(map) if map.contains_key("sign") && map.contains_key("token") => {
            let token = resolve(&map["token"], values);
            let mut signed = sign(&token, map["sign"].as_str().unwrap());
            if let Some(then) = map.get("then") {
                merge_patch(&mut signed, &resolve(then, values));
            }
            signed
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| (key.clone(), resolve(v, values)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Signs a token, delegation token or registry entry as Gait mints it: Ed25519 over the
/// SHA-256 of the JCS form of the normalised document minus `signature`.
fn sign(token: &Value, key: &str) -> Value {
    let signable = match token["schema_id"].as_str().unwrap_or("") {
        "gait.gate.approval_token" => ApprovalToken::from_json(token)
            .expect("a signed approval token must be valid")
            .signable()
            .clone(),
        "gait.gate.delegation_token" => DelegationToken::from_json(token)
            .expect("a signed delegation token must be valid")
            .signable()
            .clone(),
        _ => ApprovedScriptEntry::from_json(token)
            .expect("a signed registry entry must be valid")
            .signable()
            .clone(),
    };
    let digest = canonical::digest_bytes(&signable);
    let signing = signing_key(key);
    let mut signed = signable;
    signed["signature"] = json!({
        "alg": "ed25519",
        "key_id": key_id(key),
        "signed_digest": canonical::hex(&digest),
        "sig": STANDARD.encode(signing.sign(&digest).to_bytes()),
    });
    signed
}

/// A case file with its shared policies and intents.
struct CaseFile {
    source: String,
    policies: Map<String, Value>,
    intents: Map<String, Value>,
}

/// `../shared/corpus/gait`, where Gait's examples are kept (absent outside the workplace).
fn corpus_dir() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/gait"
    ))
    .to_path_buf()
}

/// A `corpus:<path>` file of a case, read from the corpus.
fn corpus_file(reference: &Value) -> Option<String> {
    let path = reference.as_str()?.strip_prefix("corpus:")?;
    Some(std::fs::read_to_string(corpus_dir().join(path)).unwrap())
}

impl CaseFile {
    fn policy(&self, case: &Value) -> Option<String> {
        if let Some(text) = corpus_file(&case["policy_file"]) {
            return Some(text);
        }
        let text = case["policy"].as_str()?;
        Some(match text.strip_prefix('@') {
            Some(name) => self.policies[name].as_str().unwrap().to_owned(),
            None => text.to_owned(),
        })
    }

    /// The intent of a case (or of a `same_digest_as`-like sub-object) as JSON text.
    fn intent(&self, spec: &Value) -> Option<String> {
        if let Some(text) = corpus_file(&spec["intent_file"]) {
            return Some(text);
        }
        if let Some(text) = spec["intent_text"].as_str() {
            return Some(text.to_owned());
        }
        let mut intent = match &spec["intent"] {
            Value::Null => return None,
            Value::String(name) => self.intents[name.strip_prefix('@').unwrap()].clone(),
            other => other.clone(),
        };
        if let Some(patch) = spec.get("intent_patch") {
            merge_patch(&mut intent, patch);
        }
        Some(intent.to_string())
    }
}

/// Writes a side file; `None` when the case has none.
fn side_file(dir: &Path, name: &str, value: &Value, values: &Values) -> Option<PathBuf> {
    let path = dir.join(name);
    match resolve(value, values) {
        Value::Null => return None,
        Value::String(text) if text == "<missing>" => {}
        Value::String(text) => std::fs::write(&path, text).unwrap(),
        other => std::fs::write(&path, other.to_string()).unwrap(),
    }
    Some(path)
}

/// Single (`approval_token`) or several (`approval_tokens`) token files.
fn token_files(dir: &Path, case: &Value, stem: &str, values: &Values) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = side_file(dir, &format!("{stem}.json"), &case[stem], values)
        .into_iter()
        .collect();
    if let Some(items) = case[format!("{stem}s")].as_array() {
        for (index, item) in items.iter().enumerate() {
            paths.extend(side_file(
                dir,
                &format!("{stem}_{index}.json"),
                item,
                values,
            ));
        }
    }
    paths
}

/// Lower case without backticks: gatelint quotes user values, Gait does not.
fn plain(text: &str) -> String {
    text.replace('`', "").to_lowercase()
}

fn contains_all(
    label: &str,
    key: &str,
    have: &Value,
    want: &Value,
    present: bool,
    out: &mut Vec<String>,
) {
    let have: Vec<&str> = have
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for item in want.as_array().unwrap() {
        let item = item.as_str().unwrap();
        if have.contains(&item) != present {
            let verb = if present { "lacks" } else { "has" };
            out.push(format!("{label}: {key} {verb} `{item}`: {have:?}"));
        }
    }
}

/// Compares JSON-pointer expectations against `actual`; `"<absent>"` wants no value,
/// `"<nonempty>"` any value that is not empty.
fn pointers(label: &str, what: &str, actual: &Value, want: &Value, out: &mut Vec<String>) {
    for (pointer, want) in want.as_object().unwrap() {
        let have = actual.pointer(pointer);
        let ok = match want.as_str() {
            Some("<absent>") => have.is_none_or(Value::is_null),
            Some("<present>") => have.is_some_and(|value| !value.is_null()),
            Some("<nonempty>") => have.is_some_and(|value| {
                !(value.is_null()
                    || value.as_str() == Some("")
                    || value.as_array().is_some_and(Vec::is_empty)
                    || value.as_object().is_some_and(Map::is_empty))
            }),
            _ => have == Some(want),
        };
        if !ok {
            out.push(format!("{label}: {what}{pointer} = {have:?}, want {want}"));
        }
    }
}

fn check_error(label: &str, expect: &Value, error: Option<String>, out: &mut Vec<String>) {
    if let Some(want) = expect["error"].as_bool()
        && want != error.is_some()
    {
        out.push(format!("{label}: error = {error:?}, want an error: {want}"));
    }
    if let Some(text) = expect["error_contains"].as_str() {
        match &error {
            Some(error) if plain(error).contains(&plain(text)) => {}
            other => out.push(format!("{label}: error {other:?} lacks `{text}`")),
        }
    }
    if let Some(texts) = expect["error_contains_all"].as_array() {
        for text in texts {
            let text = text.as_str().unwrap();
            if !error
                .as_ref()
                .is_some_and(|e| plain(e).contains(&plain(text)))
            {
                out.push(format!("{label}: error {error:?} lacks `{text}`"));
            }
        }
    }
}

fn unknown_keys(label: &str, expect: &Value, known: &[&str], out: &mut Vec<String>) {
    for key in expect.as_object().unwrap().keys() {
        if !known.contains(&key.as_str()) {
            out.push(format!("{label}: unknown expectation `{key}`"));
        }
    }
}

/// `gatelint eval` on the case: `(the --json output, exit code)`. An expected
/// `"<wrkr_inventory>"` stands for the path of the case's Wrkr inventory file.
fn eval_output(file: &CaseFile, case: &Value) -> (Value, u8) {
    let dir = tempfile::tempdir().unwrap();
    let policy_text = file.policy(case).expect("an eval case has a policy");
    let intent_text = file.intent(case).expect("an eval case has an intent");
    let policy_path = dir.path().join("policy.yaml");
    let intent_path = dir.path().join("intent.json");
    std::fs::write(&policy_path, &policy_text).unwrap();
    std::fs::write(&intent_path, &intent_text).unwrap();
    let mut values = Values::default();
    if let Ok(policy) = load_policy(&policy_text) {
        values.policy_digest = policy.digest();
    }
    if let Ok(intent) = load_intent(&intent_text) {
        values.intent_digest = intent.digest();
        values.script_hash = intent.script_hash();
        values.delegation_binding_digest = intent.delegation_binding_digest();
    }
    let time = case["evaluation_time"].as_str().unwrap_or(DEFAULT_TIME);
    let key = |name: &str| side_file(dir.path(), &format!("{name}.key"), &case[name], &values);
    let options = EvalOptions {
        simulate: case["simulate"].as_bool().unwrap_or(false),
        evaluation_time: Some(time.parse().unwrap()),
        approval_tokens: token_files(dir.path(), case, "approval_token", &values),
        approval_public_key: key("approval_public_key"),
        delegation_tokens: token_files(dir.path(), case, "delegation_token", &values),
        delegation_public_key: key("delegation_public_key"),
        delegation_from_intent: case["delegation_from_intent"].as_bool().unwrap_or(false),
        kill_switch_state: side_file(
            dir.path(),
            "kill_switch.json",
            &case["kill_switch_state"],
            &values,
        ),
        rate_limit_state: side_file(
            dir.path(),
            "rate_limits.json",
            &case["rate_limit_state"],
            &values,
        )
        .map(StateSource::File),
        wrkr_inventory: side_file(
            dir.path(),
            "wrkr_inventory.json",
            &case["wrkr_inventory"],
            &values,
        ),
        approved_script_registry: side_file(
            dir.path(),
            "approved_scripts.json",
            &case["approved_script_registry"],
            &values,
        ),
        approved_script_public_key: key("approved_script_public_key"),
    };
    let inventory = options
        .wrkr_inventory
        .as_ref()
        .map(|path| path.to_string_lossy().into_owned());
    let (mut output, exit) = eval_command(&policy_path, &intent_path, &options);
    if let Some(inventory) = inventory
        && output["context_source"] == json!(inventory)
    {
        output["context_source"] = json!("<wrkr_inventory>");
    }
    (output, exit)
}

fn run_eval(file: &CaseFile, case: &Value, label: &str, out: &mut Vec<String>) {
    let (output, exit) = eval_output(file, case);
    let expect = &case["expect"];
    let special = [
        "exit_code",
        "error",
        "error_contains",
        "error_contains_all",
        "reason_codes_include",
        "reason_codes_exclude",
        "violations_include",
        "violations_exclude",
        "warnings_include",
        "nonempty",
        "output",
        "same_as",
    ];
    let mut known: Vec<&str> = special.to_vec();
    known.extend(OUTPUT_FIELDS.iter().filter(|field| **field != "error"));
    unknown_keys(label, expect, &known, out);
    if let Some(want) = expect["exit_code"].as_u64()
        && want != u64::from(exit)
    {
        out.push(format!("{label}: exit {exit}, want {want}\n  {output}"));
    }
    let error = output["error"].as_str().map(str::to_owned);
    check_error(label, expect, error, out);
    for (key, field) in [
        ("reason_codes_include", "reason_codes"),
        ("violations_include", "violations"),
        ("warnings_include", "warnings"),
    ] {
        if !expect[key].is_null() {
            contains_all(label, field, &output[field], &expect[key], true, out);
        }
    }
    for (key, field) in [
        ("reason_codes_exclude", "reason_codes"),
        ("violations_exclude", "violations"),
    ] {
        if !expect[key].is_null() {
            contains_all(label, field, &output[field], &expect[key], false, out);
        }
    }
    if let Some(keys) = expect["nonempty"].as_array() {
        for key in keys {
            let key = key.as_str().unwrap();
            let value = &output[key];
            if value.is_null() || value.as_str() == Some("") || value == &json!([]) {
                out.push(format!("{label}: {key} is empty\n  {output}"));
            }
        }
    }
    if !expect["output"].is_null() {
        pointers(label, "output", &output, &expect["output"], out);
    }
    // `same_as`: the same case under another policy gives the same values of `fields`.
    if let Some(same) = expect.get("same_as") {
        let mut other = case.clone();
        other["policy"] = same["policy"].clone();
        other["expect"] = json!({});
        let (other_output, _) = eval_output(file, &other);
        for field in same["fields"].as_array().unwrap() {
            let field = field.as_str().unwrap();
            if output[field] != other_output[field] {
                out.push(format!(
                    "{label}: {field} = {}, under the other policy {}",
                    output[field], other_output[field]
                ));
            }
        }
    }
    for (key, want) in expect.as_object().unwrap() {
        if special.contains(&key.as_str()) {
            continue;
        }
        let want = match want.as_str() {
            Some("<absent>") => Value::Null,
            _ => want.clone(),
        };
        if output[key] != want {
            out.push(format!(
                "{label}: {key} = {}, want {want}\n  {output}",
                output[key]
            ));
        }
    }
}

fn run_policy(file: &CaseFile, case: &Value, label: &str, out: &mut Vec<String>) {
    let text = file.policy(case).expect("a policy case has a policy");
    let expect = &case["expect"];
    unknown_keys(
        label,
        expect,
        &[
            "error",
            "error_contains",
            "error_contains_all",
            "digest",
            "payload",
            "same_payload_as",
        ],
        out,
    );
    let loaded = load_policy(&text);
    check_error(
        label,
        expect,
        loaded.as_ref().err().map(ToString::to_string),
        out,
    );
    let Ok(policy) = loaded else {
        return;
    };
    if let Some(digest) = expect["digest"].as_str()
        && policy.digest() != digest
    {
        out.push(format!(
            "{label}: digest {}, want {digest}",
            policy.digest()
        ));
    }
    if !expect["payload"].is_null() {
        pointers(
            label,
            "payload",
            &policy.digest_payload(),
            &expect["payload"],
            out,
        );
    }
    if let Some(other) = expect["same_payload_as"].as_str() {
        let other = load_policy(other).unwrap();
        if other.digest_payload() != policy.digest_payload() {
            out.push(format!(
                "{label}: payload {}\n  differs from {}",
                policy.digest_payload(),
                other.digest_payload()
            ));
        }
    }
}

fn run_intent(file: &CaseFile, case: &Value, label: &str, out: &mut Vec<String>) {
    let text = file.intent(case).expect("an intent case has an intent");
    let expect = &case["expect"];
    unknown_keys(
        label,
        expect,
        &[
            "error",
            "error_contains",
            "error_contains_all",
            "digest",
            "payload",
            "script_hash",
            "delegation_binding_digest",
            "same_digest_as",
            "different_digest_from",
        ],
        out,
    );
    let loaded = load_intent(&text);
    check_error(
        label,
        expect,
        loaded.as_ref().err().map(ToString::to_string),
        out,
    );
    let Ok(intent) = loaded else {
        return;
    };
    if let Some(digest) = expect["digest"].as_str()
        && intent.digest() != digest
    {
        out.push(format!(
            "{label}: digest {}, want {digest}",
            intent.digest()
        ));
    }
    if let Some(hash) = expect["script_hash"].as_str() {
        let have = intent.script_hash();
        let ok = match hash {
            "<nonempty>" => !have.is_empty(),
            "<absent>" => have.is_empty(),
            hash => have == hash,
        };
        if !ok {
            out.push(format!("{label}: script_hash {have:?}, want {hash}"));
        }
    }
    if let Some(want) = expect["delegation_binding_digest"].as_str() {
        let have = intent.delegation_binding_digest();
        let ok = match want {
            "<nonempty>" => !have.is_empty(),
            "<absent>" => have.is_empty(),
            want => have == want,
        };
        if !ok {
            out.push(format!(
                "{label}: delegation_binding_digest {have:?}, want {want}"
            ));
        }
    }
    if !expect["payload"].is_null() {
        pointers(
            label,
            "payload",
            &intent.digest_payload(),
            &expect["payload"],
            out,
        );
    }
    for (key, same) in [("same_digest_as", true), ("different_digest_from", false)] {
        let specs = match &expect[key] {
            Value::Null => continue,
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        for spec in specs {
            let other = load_intent(&file.intent(&spec).unwrap()).unwrap();
            if (other.digest() == intent.digest()) != same {
                out.push(format!(
                    "{label}: {key}: digests {} and {}",
                    intent.digest(),
                    other.digest()
                ));
            }
        }
    }
}

fn run_cli(case: &Value, label: &str, out: &mut Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let values = Values::default();
    for (name, content) in case["files"].as_object().unwrap() {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match resolve(content, &values) {
            Value::String(text) => std::fs::write(&path, text).unwrap(),
            other => std::fs::write(&path, other.to_string()).unwrap(),
        }
    }
    // `args` is one command, or a list of commands run in turn (the last one is checked).
    let args = case["args"].as_array().unwrap();
    let commands: Vec<&Value> = if args.iter().all(Value::is_array) {
        args.iter().collect()
    } else {
        vec![&case["args"]]
    };
    let mut last = None;
    for command in commands {
        let args: Vec<&str> = command
            .as_array()
            .unwrap()
            .iter()
            .map(|arg| arg.as_str().unwrap())
            .collect();
        last = Some(
            std::process::Command::new(env!("CARGO_BIN_EXE_gatelint"))
                .args(&args)
                .current_dir(dir.path())
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("NO_COLOR", "1")
                .output()
                .unwrap(),
        );
    }
    let output = last.expect("a cli case runs a command");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let expect = &case["expect"];
    unknown_keys(
        label,
        expect,
        &["exit_code", "json", "stdout_contains", "stdout_excludes"],
        out,
    );
    let exit = output.status.code().unwrap_or(-1);
    if let Some(want) = expect["exit_code"].as_i64()
        && i64::from(exit) != want
    {
        out.push(format!(
            "{label}: exit {exit}, want {want}\n  {stdout}\n  {stderr}"
        ));
    }
    if !expect["json"].is_null() {
        match serde_json::from_str::<Value>(&stdout) {
            Ok(document) => pointers(label, "json", &document, &expect["json"], out),
            Err(error) => out.push(format!("{label}: stdout is not JSON ({error}): {stdout}")),
        }
    }
    for (key, present) in [("stdout_contains", true), ("stdout_excludes", false)] {
        for text in expect[key].as_array().into_iter().flatten() {
            let text = text.as_str().unwrap();
            if stdout.contains(text) != present {
                out.push(format!("{label}: {key} `{text}`:\n{stdout}"));
            }
        }
    }
}

/// Runs every upstream case: `(cases per Go test file, failures)`.
pub fn run() -> (BTreeMap<String, usize>, Vec<String>) {
    let mut counts = BTreeMap::new();
    let mut failures = Vec::new();
    for path in case_files() {
        let document: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let file = CaseFile {
            source: document["source"].as_str().unwrap().to_owned(),
            policies: document["policies"]
                .as_object()
                .cloned()
                .unwrap_or_default(),
            intents: document["intents"].as_object().cloned().unwrap_or_default(),
        };
        let defaults = document["defaults"].clone();
        for raw in document["cases"].as_array().unwrap() {
            let mut case = defaults.clone();
            if case.is_null() {
                case = json!({});
            }
            for (key, value) in raw.as_object().unwrap() {
                case[key] = value.clone();
            }
            let test = case["test"].as_str().unwrap_or("").to_owned();
            let name = case["name"]
                .as_str()
                .map(|name| format!(" [{name}]"))
                .unwrap_or_default();
            let label = format!(
                "{test}{name} ({})",
                path.file_name().unwrap().to_string_lossy()
            );
            let cited = test
                .strip_prefix(&format!("{}:", file.source))
                .is_some_and(|name| name.starts_with("Test"));
            if !cited {
                failures.push(format!("{label}: `test` must cite `{}:Test…`", file.source));
            }
            let uses_corpus = ["policy_file", "intent_file"].iter().any(|key| {
                case[*key]
                    .as_str()
                    .is_some_and(|f| f.starts_with("corpus:"))
            });
            if uses_corpus && !corpus_dir().is_dir() {
                println!("{label}: skipped, {} is absent", corpus_dir().display());
                continue;
            }
            *counts.entry(file.source.clone()).or_insert(0) += 1;
            match case["kind"].as_str().unwrap_or("eval") {
                "eval" => run_eval(&file, &case, &label, &mut failures),
                "policy" => run_policy(&file, &case, &label, &mut failures),
                "intent" => run_intent(&file, &case, &label, &mut failures),
                "cli" => run_cli(&case, &label, &mut failures),
                other => failures.push(format!("{label}: unknown kind `{other}`")),
            }
        }
    }
    (counts, failures)
}
