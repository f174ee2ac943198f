#!/usr/bin/env python3
"""Generate a deterministic corpus of Gait policy files for the `validate` benchmark.

    python3 scripts/gen-policies.py --count 10000 --out .bench/policies --seed 1

Writes N `gait.gate.policy` 1.0.0 files (gait-reference.md section 1) into OUT:

* half YAML (`policy-NNNNN.yaml`), half JSON (`policy-NNNNN.json`), alternating;
* sizes spread uniformly over 1-20 KiB (the rule count varies, 1 to ~40 rules);
* realistic content: `fail_closed`, `scripts`, `mcp_trust`, rules with `match` selectors,
  priorities, effects, credential / agent / context constraints and the sub-objects
  `freeze_window`, `sandbox`, `rate_limit`, `destructive_budget`, `dataflow`, `endpoint`;
* about 5% (exactly round(N * --invalid-ratio)) deliberately schema-invalid, one defect each:
  wrong type, bad enum, unknown key, negative where the minimum is 0, out of range.

Valid files stay clear of every schema-vs-runtime divergence of gait-reference 1.9 (no negative
priority, `min_approvals` >= 1, `rate_limit.requests` >= 1, enum values lower-case, no
`default_action`/`action` aliases), so any faithful schema accepts them; invalid files carry a
defect that both the schema and the Go runtime reject. Every file keeps `schema_id` and
`schema_version`, so content-based classification sees a Gait policy even when it is invalid.

Also written:
* OUT/expected-invalid.txt - the invalid files' names, one a line, sorted;
* OUT/mutations.tsv        - file name, defect kind, JSON pointer of the defect (for debugging).

YAML is emitted by a small built-in emitter (standard library only): block mappings, flow
lists of scalars, every string that a YAML 1.1 or 1.2 loader could read as anything but a string
is double-quoted, so PyYAML/ruamel (check-jsonschema), js-yaml (ajv-cli) and gatelint all load
the same data. Output is byte-identical for the same --count/--seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys

MIN_SIZE = 1024
MAX_SIZE = 20 * 1024

# --- vocabularies (spec enums from gait-reference 1.2-1.6; the rest free-form but realistic) ---
VERDICTS = ["allow", "block", "dry_run", "require_approval"]
GATED = ["block", "require_approval"]
TOOLS = [
    "tool.read", "tool.write", "tool.delete", "tool.deploy", "tool.exec", "email.read",
    "email.write", "email.archive", "email.delete_permanent", "file.read", "file.write",
    "file.trash", "file.delete_permanent", "calendar.read", "calendar.write", "calendar.cancel",
    "db.query", "db.migrate", "db.drop", "http.fetch", "http.post", "git.push", "git.tag",
    "shell.run", "k8s.apply", "k8s.delete", "s3.put", "s3.delete", "slack.post", "jira.create",
]
RISK_CLASSES = ["low", "medium", "high", "critical"]
TARGET_KINDS = ["host", "url", "bucket", "path", "repo", "table", "namespace", "channel"]
TARGET_VALUES = [
    "api.example.com", "s3://acme-prod-logs", "s3://acme-staging", "/srv/data", "/etc/passwd",
    "github.com/acme/platform", "prod.orders", "kube-system", "#incident-room", "10.0.0.0/8",
]
PROVENANCE = ["user", "external", "tool_output", "system"]
IDENTITIES = [
    "agent.lead", "agent.specialist", "agent.reviewer", "svc-ci", "svc-release",
    "alice@example.com", "bob@example.com", "spiffe://acme/agent/triage",
]
WORKSPACES = ["/repo", "/workspace/platform", "/workspace/payments", "/home/agent/scratch"]
ENDPOINT_CLASSES = [
    "fs.read", "fs.write", "fs.delete", "proc.exec", "net.http", "net.dns",
    "ui.click", "ui.type", "ui.navigate", "other",
]
NET_CLASSES = ["net.http", "net.dns"]
DISCOVERY = ["webmcp", "dynamic_mcp", "a2a", "mcp", "static_mcp", "manual", "unknown"]
DATA_CLASSES = ["public", "internal", "confidential", "restricted", "pii", "secret"]
DEST_KINDS = ["host", "url", "bucket", "email", "channel"]
DEST_VALUES = ["api.partner.example", "s3://exports", "ops@example.com", "#general"]
DEST_OPS = ["write", "upload", "send", "post", "delete"]
AUTONOMY = ["supervised", "semi_autonomous", "autonomous"]
PUBLISHERS = ["acme", "trusted-vendor", "unknown", "community", "compromised"]
SKILL_SOURCES = ["registry", "local", "git", "marketplace"]
CRED_SOURCES = [
    "aws_iam_user", "aws_sts", "azure_federated", "command", "env", "gcp_sts", "github_oidc",
    "github_pat", "kubernetes_service_account", "stub", "unknown", "vault_dynamic",
]
CRED_ISSUERS = [
    "sts.amazonaws.com", "token.actions.githubusercontent.com", "vault.example",
    "login.microsoftonline.com", "accounts.google.com",
]
ACCESS_TYPES = ["cloud_admin", "inherited", "jit", "standing", "static", "unknown"]
LIFECYCLE = ["active", "probation", "deprecated"]
MANIFEST_SOURCES = ["registry", "signed_bundle", "local"]
BROKER_SCOPES = ["read", "write", "deploy", "admin"]
REQUIRED_FIELDS = ["targets", "arg_provenance", "endpoint_class", "delegation", "context_evidence"]
REQUIRED_HR_FIELDS = [
    "agent_id", "agent_identity", "run_id", "workflow_id", "repo", "environment",
    "credential_ref", "credential_source", "credential_access_type", "credential_issuer",
    "credential_ttl_seconds", "approval_ref", "wrkr_inventory_ref", "agent_action_bom_ref",
]
NETWORK_MODES = ["disabled", "egress_allowlist", "full"]
ENV_EXPOSURE = ["none", "allowlist", "full"]
FS_ISOLATION = ["none", "workspace", "container"]
USER_MODES = ["default", "root", "unprivileged"]
WINDOWS = ["minute", "hour"]
SCOPES = ["tool", "identity", "tool_identity"]
TIMEZONES = ["UTC", "America/Toronto", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"]
ENVIRONMENTS = ["prod", "staging", "dev", "eu-prod", "us-prod"]
VERBS = ["allow", "block", "require-approval", "dry-run", "guard", "limit", "freeze", "sandbox"]
NOUNS = [
    "read", "write", "delete", "deploy", "egress", "exec", "migration", "export", "payments",
    "secrets", "prod-db", "email", "calendar", "k8s", "buckets", "repo-push", "pii",
]
REASONS = [
    "safe_read_allowed", "approval_required_for_write", "destructive_tool_blocked",
    "blocked_tainted_egress", "delegation_required_for_egress_write", "break_glass_required",
    "skill_untrusted_publisher", "freeze_window_active", "sandbox_required", "rate_limited",
]
VIOLATIONS = [
    "approval_required", "destructive_operation", "tainted_data_exfiltration",
    "missing_or_invalid_delegation", "skill_untrusted_publisher", "endpoint_policy_violation",
]
PATHS = ["/tmp/work", "/var/tmp/cache", "/repo", "/usr/share", "/workspace/out", "/srv/app"]
GLOBS = ["/etc/**", "/var/lib/**", "/root/**", "/home/*/.ssh/**", "/repo/.git/**"]
DOMAINS = ["*.external.example", "api.github.com", "*.amazonaws.com", "pastebin.com", "*.corp"]


class Gen:
    def __init__(self, rng: random.Random):
        self.r = rng

    def some(self, pool, lo=1, hi=3):
        hi = min(hi, len(pool))
        return self.r.sample(pool, self.r.randint(lo, hi))

    def chance(self, p):
        return self.r.random() < p

    def hex64(self):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(64))

    def ident(self, pool):
        return f"{self.r.choice(pool)}_{self.r.randint(1, 99)}"

    def match(self):
        m = {}
        r = self.r
        if self.chance(0.85):
            m["tool_names"] = self.some(TOOLS, 1, 4)
        if self.chance(0.5):
            m["risk_classes"] = self.some(RISK_CLASSES, 1, 2)
        if self.chance(0.35):
            m["target_kinds"] = self.some(TARGET_KINDS, 1, 3)
        if self.chance(0.2):
            m["target_values"] = self.some(TARGET_VALUES, 1, 3)
        if self.chance(0.3):
            m["provenance_sources"] = self.some(PROVENANCE, 1, 2)
        if self.chance(0.15):
            m["identities"] = self.some(IDENTITIES, 1, 3)
        if self.chance(0.15):
            m["workspace_prefixes"] = self.some(WORKSPACES, 1, 2)
        if self.chance(0.25):
            m["endpoint_classes"] = self.some(ENDPOINT_CLASSES, 1, 3)
        if self.chance(0.1):
            m["discovery_method"] = self.some(DISCOVERY, 1, 2)
        if self.chance(0.15):
            hints = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]
            m["tool_annotations"] = {h: r.choice([True, False]) for h in self.some(hints, 1, 2)}
        if self.chance(0.1):
            m["skill_publishers"] = self.some(PUBLISHERS, 1, 2)
        if self.chance(0.08):
            m["skill_sources"] = self.some(SKILL_SOURCES, 1, 2)
        if self.chance(0.15):
            m["data_classes"] = self.some(DATA_CLASSES, 1, 3)
        if self.chance(0.1):
            m["destination_kinds"] = self.some(DEST_KINDS, 1, 2)
            m["destination_values"] = self.some(DEST_VALUES, 1, 2)
            m["destination_operations"] = self.some(DEST_OPS, 1, 2)
        if self.chance(0.08):
            m["context_tool_names"] = self.some(TOOLS, 1, 2)
            m["context_data_classes"] = self.some(DATA_CLASSES, 1, 2)
        if self.chance(0.06):
            m["context_endpoint_classes"] = self.some(ENDPOINT_CLASSES, 1, 2)
            m["context_autonomy_levels"] = self.some(AUTONOMY, 1, 2)
        if self.chance(0.12):
            m["require_delegation"] = True
            m["allowed_delegator_identities"] = self.some(IDENTITIES[:3], 1, 2)
            m["allowed_delegate_identities"] = self.some(IDENTITIES[1:5], 1, 2)
            m["delegation_scopes"] = self.some(BROKER_SCOPES, 1, 2)
            m["max_delegation_depth"] = r.randint(0, 4)
        return m

    def rule(self, idx):
        r = self.r
        effect = r.choice(VERDICTS)
        rule = {
            "name": f"{r.choice(VERBS)}-{r.choice(NOUNS)}-{idx}",
            "priority": r.randint(0, 50) * 10 + r.randint(0, 9) * (1 if self.chance(0.3) else 0),
            "effect": effect,
        }
        if effect == "require_approval" and self.chance(0.6):
            n = r.randint(1, 3)
            rule["min_approvals"] = n
            if n > 1:
                rule["require_distinct_approvers"] = True
        if self.chance(0.15):
            rule["require_declared_agent"] = True
            rule["allowed_agent_ids"] = self.some(IDENTITIES, 1, 3)
            if self.chance(0.4):
                rule["denied_agent_ids"] = self.some(IDENTITIES, 1, 2)
            if self.chance(0.4):
                rule["required_agent_manifest_digest"] = self.hex64()
            if self.chance(0.4):
                rule["allowed_agent_manifest_publishers"] = self.some(PUBLISHERS[:3], 1, 2)
                rule["allowed_agent_manifest_sources"] = self.some(MANIFEST_SOURCES, 1, 2)
                rule["required_agent_lifecycle_states"] = self.some(LIFECYCLE, 1, 2)
            rule["require_agent_owner"] = r.choice([True, False])
            rule["require_unexpired_agent"] = r.choice([True, False])
        if self.chance(0.3):
            rule["block_standing_credentials"] = True
            rule["allowed_credential_sources"] = self.some(CRED_SOURCES, 1, 4)
            rule["allowed_credential_issuers"] = self.some(CRED_ISSUERS, 1, 3)
            rule["allowed_credential_access_types"] = self.some(ACCESS_TYPES, 1, 2)
            rule["max_credential_ttl_seconds"] = r.choice([300, 600, 900, 1800, 3600])
            rule["require_jit_credential"] = r.choice([True, False])
        if self.chance(0.12):
            rule["require_context_evidence"] = True
            rule["required_context_evidence_mode"] = "required"
            rule["max_context_age_seconds"] = r.choice([60, 300, 900, 3600])
        if self.chance(0.15):
            rule["require_broker_credential"] = True
            rule["broker_reference"] = f"{r.choice(NOUNS)}-broker"
            rule["broker_scopes"] = self.some(BROKER_SCOPES, 1, 2)
        rule["match"] = self.match()
        if self.chance(0.1):
            rule["freeze_window"] = self.freeze_window()
        if self.chance(0.12):
            rule["sandbox"] = self.sandbox()
        if self.chance(0.15):
            rule["rate_limit"] = self.budget()
        if self.chance(0.1):
            rule["destructive_budget"] = self.budget()
        if self.chance(0.1):
            rule["dataflow"] = self.dataflow()
        if self.chance(0.12):
            rule["endpoint"] = self.endpoint()
        if self.chance(0.8):
            rule["reason_codes"] = self.some(REASONS, 1, 2)
        if effect != "allow" and self.chance(0.6):
            rule["violations"] = self.some(VIOLATIONS, 1, 2)
        return rule

    def freeze_window(self):
        r = self.r
        wins = []
        for i in range(r.randint(1, 3)):
            month, day, hour = r.randint(1, 12), r.randint(1, 27), r.randint(0, 20)
            wins.append({
                "name": f"freeze-{i + 1}",
                "start": f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00",
                "end": f"2026-{month:02d}-{day + 1:02d}T{hour + 3:02d}:00:00",
            })
        fw = {"enabled": True, "timezone": r.choice(TIMEZONES), "effect": r.choice(GATED)}
        if self.chance(0.7):
            fw["reason"] = r.choice(["quarter-end freeze", "holiday change freeze", "audit window"])
        fw["environments"] = self.some(ENVIRONMENTS, 1, 2)
        if self.chance(0.5):
            fw["risk_classes"] = self.some(RISK_CLASSES[2:], 1, 2)
        fw["windows"] = wins
        return fw

    def sandbox(self):
        r = self.r
        return {
            "enabled": True,
            "allowed_network_modes": self.some(NETWORK_MODES, 1, 2),
            "allowed_writable_path_prefixes": self.some(PATHS, 1, 2),
            "required_read_only_roots": self.some(PATHS, 1, 2),
            "allowed_env_exposure_modes": self.some(ENV_EXPOSURE, 1, 2),
            "max_timeout_seconds": r.choice([30, 60, 120, 600]),
            "allowed_filesystem_isolations": self.some(FS_ISOLATION, 1, 2),
            "allowed_user_modes": self.some(USER_MODES, 1, 2),
        }

    def budget(self):
        return {
            "requests": self.r.randint(1, 500),
            "window": self.r.choice(WINDOWS),
            "scope": self.r.choice(SCOPES),
        }

    def dataflow(self):
        d = {
            "enabled": True,
            "tainted_sources": self.some(["external", "tool_output", "user"], 1, 2),
            "destination_kinds": self.some(DEST_KINDS, 1, 2),
            "action": self.r.choice(GATED),
        }
        if self.chance(0.5):
            d["destination_operations"] = self.some(DEST_OPS, 1, 2)
        if self.chance(0.5):
            d["reason_code"] = "dataflow_tainted_destination"
            d["violation"] = "tainted_dataflow"
        return d

    def endpoint(self):
        e = {"enabled": True}
        if self.chance(0.5):
            e["path_allowlist"] = self.some(PATHS, 1, 2)
        if self.chance(0.6):
            e["path_denylist"] = self.some(GLOBS, 1, 3)
        if self.chance(0.4):
            e["domain_allowlist"] = self.some(DOMAINS[1:3], 1, 2)
        if self.chance(0.5):
            e["domain_denylist"] = self.some(DOMAINS, 1, 2)
        if self.chance(0.4):
            e["egress_classes"] = self.some(NET_CLASSES, 1, 2)
        e["action"] = self.r.choice(GATED)
        if self.chance(0.3):
            e["destructive_action"] = self.r.choice(GATED)
        e["reason_code"] = "endpoint_policy_violation"
        e["violation"] = "endpoint_policy_violation"
        return e

    def header(self):
        r = self.r
        p = {
            "schema_id": "gait.gate.policy",
            "schema_version": "1.0.0",
            "default_verdict": r.choice(VERDICTS),
        }
        if self.chance(0.6):
            fc = {"enabled": True, "risk_classes": self.some(RISK_CLASSES[2:], 1, 2)}
            fc["required_fields"] = self.some(REQUIRED_FIELDS, 1, 3)
            if self.chance(0.3):
                fc["required_high_risk_fields"] = self.some(REQUIRED_HR_FIELDS, 1, 4)
            p["fail_closed"] = fc
        if self.chance(0.25):
            p["scripts"] = {
                "max_steps": r.choice([8, 16, 32, 64]),
                "require_approval_above": r.randint(1, 10),
                "block_mixed_risk": r.choice([True, False]),
            }
        if self.chance(0.15):
            p["mcp_trust"] = self.mcp_trust()
        return p

    def mcp_trust(self):
        r = self.r
        return {
            "enabled": True,
            "snapshot": "./.gait/mcp-trust-snapshot.json",
            "action": r.choice(GATED),
            "required_risk_classes": self.some(RISK_CLASSES[2:], 1, 2),
            "min_score": r.choice([0.5, 0.6, 0.7, 0.75, 0.8, 0.9]),
            "max_age": r.choice(["24h", "168h", "90m", "72h"]),
            "publisher_allowlist": self.some(PUBLISHERS[:3], 1, 2),
            "require_registry": r.choice([True, False]),
        }


# --- defects: each returns the JSON pointer it broke; all are schema AND runtime errors --------
def _pick_rule(g, p):
    i = g.r.randrange(len(p["rules"]))
    return i, p["rules"][i]


def m_bad_enum_effect(g, p):
    i, rule = _pick_rule(g, p)
    rule["effect"] = g.r.choice(["maybe", "deny", "warn"])
    return f"/rules/{i}/effect"


def m_bad_enum_default(g, p):
    p["default_verdict"] = g.r.choice(["deny", "permit", "maybe"])
    return "/default_verdict"


def m_bad_enum_cred_source(g, p):
    i, rule = _pick_rule(g, p)
    rule["allowed_credential_sources"] = ["aws_sts", "magic_token"]
    return f"/rules/{i}/allowed_credential_sources/1"


def m_bad_enum_rate_window(g, p):
    i, rule = _pick_rule(g, p)
    rule["rate_limit"] = {"requests": 10, "window": "day", "scope": "tool"}
    return f"/rules/{i}/rate_limit/window"


def m_bad_enum_sandbox(g, p):
    i, rule = _pick_rule(g, p)
    sb = rule.setdefault("sandbox", g.sandbox())
    sb["allowed_network_modes"] = ["disabled", "open"]
    return f"/rules/{i}/sandbox/allowed_network_modes/1"


def m_bad_enum_required_field(g, p):
    fc = p.setdefault("fail_closed", {"enabled": True, "risk_classes": ["high"]})
    fc["required_fields"] = ["targets", "approver"]
    return "/fail_closed/required_fields/1"


def m_wrong_type_priority(g, p):
    i, rule = _pick_rule(g, p)
    rule["priority"] = g.r.choice(["high", "10", "first"])
    return f"/rules/{i}/priority"


def m_wrong_type_tool_names(g, p):
    i, rule = _pick_rule(g, p)
    rule["match"]["tool_names"] = g.r.choice(TOOLS)
    return f"/rules/{i}/match/tool_names"


def m_wrong_type_bool(g, p):
    i, rule = _pick_rule(g, p)
    rule["require_jit_credential"] = g.r.choice(["yes", "true", "on"])
    return f"/rules/{i}/require_jit_credential"


def m_wrong_type_rules(g, p):
    p["rules"] = {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in p["rules"]}
    return "/rules"


def m_unknown_key_top(g, p):
    p["owner"] = "platform-security"
    return "/owner"


def m_unknown_key_rule(g, p):
    i, rule = _pick_rule(g, p)
    rule[g.r.choice(["priorty", "description", "effects", "reason_code"])] = "typo"
    return f"/rules/{i}"


def m_unknown_key_match(g, p):
    i, rule = _pick_rule(g, p)
    rule["match"][g.r.choice(["tool", "risk_class", "targets"])] = ["tool.write"]
    return f"/rules/{i}/match"


def m_negative_min_approvals(g, p):
    i, rule = _pick_rule(g, p)
    rule["min_approvals"] = -1
    return f"/rules/{i}/min_approvals"


def m_negative_ttl(g, p):
    i, rule = _pick_rule(g, p)
    rule["max_credential_ttl_seconds"] = -g.r.choice([1, 60, 900])
    return f"/rules/{i}/max_credential_ttl_seconds"


def m_negative_timeout(g, p):
    i, rule = _pick_rule(g, p)
    sb = rule.setdefault("sandbox", g.sandbox())
    sb["max_timeout_seconds"] = -30
    return f"/rules/{i}/sandbox/max_timeout_seconds"


def m_negative_max_steps(g, p):
    p["scripts"] = {"max_steps": -1, "require_approval_above": 0, "block_mixed_risk": False}
    return "/scripts/max_steps"


def m_out_of_range_min_score(g, p):
    mt = p.setdefault("mcp_trust", g.mcp_trust())
    mt["min_score"] = g.r.choice([1.5, 2, -0.25])
    return "/mcp_trust/min_score"


MUTATIONS = [
    ("bad-enum-effect", m_bad_enum_effect),
    ("bad-enum-default-verdict", m_bad_enum_default),
    ("bad-enum-credential-source", m_bad_enum_cred_source),
    ("bad-enum-rate-limit-window", m_bad_enum_rate_window),
    ("bad-enum-sandbox-network-mode", m_bad_enum_sandbox),
    ("bad-enum-fail-closed-required-field", m_bad_enum_required_field),
    ("wrong-type-priority", m_wrong_type_priority),
    ("wrong-type-tool-names", m_wrong_type_tool_names),
    ("wrong-type-bool", m_wrong_type_bool),
    ("wrong-type-rules", m_wrong_type_rules),
    ("unknown-key-top", m_unknown_key_top),
    ("unknown-key-rule", m_unknown_key_rule),
    ("unknown-key-match", m_unknown_key_match),
    ("negative-min-approvals", m_negative_min_approvals),
    ("negative-credential-ttl", m_negative_ttl),
    ("negative-sandbox-timeout", m_negative_timeout),
    ("negative-scripts-max-steps", m_negative_max_steps),
    ("out-of-range-mcp-min-score", m_out_of_range_min_score),
]


# --- serialisation ------------------------------------------------------------------------------
_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./@-]*$")
_RESERVED = {
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
}


def yscalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    s = str(v)
    if _PLAIN.match(s) and s.lower() not in _RESERVED and not s.endswith(":"):
        return s
    return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar


def yemit(obj, indent, out, first_prefix=None):
    """Emit a mapping at `indent`; if first_prefix is set, the first key goes after it ("- ")."""
    pad = " " * indent
    for n, (k, v) in enumerate(obj.items()):
        lead = first_prefix if (n == 0 and first_prefix is not None) else pad
        if isinstance(v, dict):
            if not v:
                out.append(f"{lead}{k}: {{}}")
            else:
                out.append(f"{lead}{k}:")
                yemit(v, indent + 2, out)
        elif isinstance(v, list):
            if not v:
                out.append(f"{lead}{k}: []")
            elif all(isinstance(x, dict) for x in v):
                out.append(f"{lead}{k}:")
                for item in v:
                    yemit(item, indent + 4, out, first_prefix=" " * (indent + 2) + "- ")
            else:
                out.append(f"{lead}{k}: [{', '.join(yscalar(x) for x in v)}]")
        else:
            out.append(f"{lead}{k}: {yscalar(v)}")


def yaml_rule(rule, idx, comment):
    out = []
    if comment and idx % 5 == 4:
        out.append(f"  # rule {idx + 1}: {rule.get('name', '')}")
    yemit(rule, 4, out, first_prefix="  - ")
    return "\n".join(out) + "\n"


def to_yaml(policy, comment):
    out = []
    if comment:
        out.append(f"# {comment}")
    head = {k: v for k, v in policy.items() if k != "rules"}
    yemit(head, 0, out)
    rules = policy.get("rules")
    if isinstance(rules, list):
        out.append("rules:")
        text = "\n".join(out) + "\n"
        return text + "".join(yaml_rule(rule, i, comment) for i, rule in enumerate(rules))
    if rules is not None:
        yemit({"rules": rules}, 0, out)
    return "\n".join(out) + "\n"


def to_json(policy, compact):
    if compact:
        return json.dumps(policy, separators=(",", ":")) + "\n"
    return json.dumps(policy, indent=2) + "\n"


def render(policy, ext, style):
    return to_yaml(policy, style) if ext == "yaml" else to_json(policy, style)


def rule_size(rule, idx, ext, style):
    """Bytes one more rule adds to the rendered file (exact for YAML, close for JSON)."""
    if ext == "yaml":
        return len(yaml_rule(rule, idx, style).encode())
    if style:
        return len(json.dumps(rule, separators=(",", ":"))) + 1
    text = json.dumps(rule, indent=2)
    return len(text) + 4 * (text.count("\n") + 1) + 2


def build(g, ext, target, style, mutation):
    # A defect adds up to ~700 bytes (a whole sandbox or mcp_trust block): leave room for it.
    cap = MAX_SIZE - (1024 if mutation is not None else 0)
    policy = g.header()
    policy["rules"] = []
    size = len(render(policy, ext, style).encode())
    idx = 0
    while size < min(target, cap) or not policy["rules"]:
        rule = g.rule(idx)
        grow = rule_size(rule, idx, ext, style)
        if size + grow > cap - 256 and policy["rules"]:
            break
        policy["rules"].append(rule)
        size += grow
        idx += 1
    text = render(policy, ext, style)
    while len(text.encode()) > cap and len(policy["rules"]) > 1:  # the estimate was short
        policy["rules"].pop()
        text = render(policy, ext, style)
    pointer = None
    if mutation is not None:
        pointer = mutation[1](g, policy)
        text = render(policy, ext, style)
    while len(text.encode()) < MIN_SIZE:  # a defect can shrink a file (rules list -> map): pad it
        if isinstance(policy["rules"], list):
            policy["rules"].append(g.rule(idx))
        else:
            policy["rules"][f"pad-{idx}"] = {"priority": 90, "effect": "allow"}
        idx += 1
        text = render(policy, ext, style)
    if not MIN_SIZE <= len(text.encode()) <= MAX_SIZE:
        raise SystemExit(f"generator bug: {len(text.encode())} bytes is outside 1-20 KiB")
    return text, pointer


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--invalid-ratio", type=float, default=0.05)
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    g = Gen(rng)
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):  # stale files from another --count would skew the run
        if name.startswith("policy-") or name in ("expected-invalid.txt", "mutations.tsv"):
            os.remove(os.path.join(args.out, name))

    n_invalid = round(args.count * args.invalid_ratio)
    invalid = set(rng.sample(range(args.count), n_invalid)) if n_invalid else set()
    width = max(5, len(str(args.count - 1)))
    manifest, log = [], []
    total = 0
    for i in range(args.count):
        ext = "yaml" if i % 2 == 0 else "json"
        name = f"policy-{i:0{width}d}.{ext}"
        target = rng.randint(MIN_SIZE, MAX_SIZE)
        if ext == "yaml":
            style = rng.choice([None, None, f"owner: team-{rng.randint(1, 40)}; generated policy"])
        else:
            style = rng.random() < 0.2  # a fifth of the JSON files minified
        mutation = MUTATIONS[rng.randrange(len(MUTATIONS))] if i in invalid else None
        text, pointer = build(g, ext, target, style, mutation)
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        total += len(text.encode())
        if mutation is not None:
            manifest.append(name)
            log.append(f"{name}\t{mutation[0]}\t{pointer}")
    with open(os.path.join(args.out, "expected-invalid.txt"), "w", encoding="utf-8") as f:
        f.writelines(f"{n}\n" for n in sorted(manifest))
    with open(os.path.join(args.out, "mutations.tsv"), "w", encoding="utf-8") as f:
        f.write("file\tdefect\tpointer\n")
        f.writelines(f"{line}\n" for line in sorted(log))
    print(
        f"wrote {args.count} policies ({args.count - args.count // 2} yaml, {args.count // 2} json,"
        f" {len(manifest)} invalid, {total / 1e6:.1f} MB) to {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
