#!/usr/bin/env python3
"""Writes a large Gait JSONL fixture suite of inline intents (and the policy it names) for
replay benchmarks.

usage: scripts/gen-gait-suite.py OUT_DIR [CASES]   (default 200000 cases)

OUT_DIR/policy.yaml is a byte-for-byte copy of examples/gait/policy.yaml; OUT_DIR/gait.fixtures.jsonl
holds CASES inline intents of three shapes, cycled: a read (`tool.read`), a delete of a
destructive target (`tool.delete`, high risk) and a write with two arguments (`tool.write`,
medium risk). Every fourth read is medium risk, so it matches no rule and falls to the policy's
`default_verdict`. Each case sets `options.evaluation_time` and expects the verdict, matched rule,
reason codes and exit code `gatelint test` gives it. The output depends on CASES only.
"""
import json
import os
import shutil
import sys

POLICY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "gait", "policy.yaml")

BASE = {
    "schema_id": "gait.gate.intent_request",
    "schema_version": "1.0.0",
    "producer_version": "release-agent/1.4.0",
}

# (verdict, rule, reasons, exit code) of each kind of case under examples/gait/policy.yaml.
ALLOW_READ = ("allow", "allow-safe-read", ["safe_read_allowed"], 0)
DEFAULT_BLOCK = ("block", None, ["default_block"], 3)
BLOCK_DELETE = ("block", "block-destructive-delete",
                ["destructive_apply_requires_approval", "destructive_tool_blocked"], 3)
APPROVE_WRITE = ("require_approval", "require-approval-write",
                 ["approval_required_for_write", "approval_token_missing"], 4)


def timestamp(i):
    """A UTC time in March 2026 that moves by one second per case."""
    seconds = i % (28 * 86400)
    day, rest = divmod(seconds, 86400)
    hour, rest = divmod(rest, 3600)
    minute, second = divmod(rest, 60)
    return f"2026-03-{day + 1:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"


def intent(i, tool, args, targets, provenance, risk):
    out = dict(BASE)
    out["created_at"] = timestamp(i)
    out["tool_name"] = tool
    out["args"] = args
    out["targets"] = targets
    out["arg_provenance"] = [{"arg_path": f"$.{name}", "source": source} for name, source in provenance]
    out["context"] = {"identity": f"release-agent-{i % 7}", "workspace": "/srv/release", "risk_class": risk}
    return out


def case(i):
    shape = i % 3
    n = i // 3
    if shape == 0:
        path = f"/srv/release/notes/{n % 1000}/NOTES.md"
        risk = "medium" if n % 4 == 3 else "low"
        expected = DEFAULT_BLOCK if risk == "medium" else ALLOW_READ
        body = intent(i, "tool.read", {"path": path},
                      [{"kind": "path", "value": path, "operation": "read", "endpoint_class": "fs.read"}],
                      [("path", "user")], risk)
    elif shape == 1:
        path = f"/srv/release/artifacts/{n % 1000}"
        expected = BLOCK_DELETE
        body = intent(i, "tool.delete", {"path": path},
                      [{"kind": "path", "value": path, "operation": "delete", "endpoint_class": "fs.delete",
                        "destructive": True}],
                      [("path", "user")], "high")
    else:
        path = f"/srv/release/CHANGELOG-{n % 1000}.md"
        expected = APPROVE_WRITE
        body = intent(i, "tool.write", {"path": path, "content": f"## 2.{n % 100}.0\n- release {n}\n"},
                      [{"kind": "path", "value": path, "operation": "write", "endpoint_class": "fs.write"}],
                      [("path", "user"), ("content", "tool_output" if n % 2 else "user")], "medium")
    verdict, rule, reasons, exit_code = expected
    expect = {"verdict": verdict}
    if rule is not None:
        expect["rule"] = rule
    expect["reasons"] = reasons
    expect["exit_code"] = exit_code
    return {
        "name": f"case {i}",
        "input": {"intent": body, "options": {"evaluation_time": timestamp(i + 60)}},
        "expect": expect,
    }


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip())
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    os.makedirs(out, exist_ok=True)
    shutil.copyfile(POLICY, os.path.join(out, "policy.yaml"))
    with open(os.path.join(out, "gait.fixtures.jsonl"), "w") as f:
        f.write(json.dumps({"kind": "gatelint.fixtures/v1", "ecosystem": "gait", "policy": "policy.yaml"}) + "\n")
        for i in range(count):
            f.write(json.dumps(case(i), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
