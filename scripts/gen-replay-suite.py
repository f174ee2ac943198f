#!/usr/bin/env python3
"""Writes a large Stella Ops JSONL fixture suite (and the policy it names) for replay benchmarks.

usage: scripts/gen-replay-suite.py OUT_DIR [CASES]   (default 1000000 cases)
"""
import json
import os
import sys

POLICY = """PolicyGates:
  VexTrust:
    Enabled: true
    Thresholds:
      production: { MinCompositeScore: 0.80, RequireIssuerVerified: true, MinAccuracyRate: 0.85, AcceptableFreshness: [fresh], FailureAction: Block }
      staging: { MinCompositeScore: 0.60, RequireIssuerVerified: true, AcceptableFreshness: [fresh, stale], FailureAction: Warn }
    MissingTrustBehavior: Warn
  ExecutionEvidence: { Enabled: true, MissingEvidenceAction: Warn, RequiredEnvironments: [production] }
"""


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "policy.yaml"), "w") as f:
        f.write(POLICY)
    with open(os.path.join(out, "big.fixtures.jsonl"), "w") as f:
        f.write(json.dumps({"kind": "gatelint.fixtures/v1", "policy": "policy.yaml",
                            "defaults": {"requestedStatus": "not_affected",
                                         "metadata": {"has_execution_evidence": "true",
                                                      "execution_evidence_hot_symbol_count": "5",
                                                      "execution_evidence_unique_call_paths": "2"}}}) + "\n")
        for i in range(count):
            env = "production" if i % 2 == 0 else "staging"
            score = (i % 100) / 100
            threshold = 0.80 if env == "production" else 0.60
            verdict = "Pass" if score >= threshold else ("Blocked" if env == "production" else "Warned")
            case = {"name": f"case {i}", "input": {"environment": env,
                    "vexTrust": {"trustScore": score, "signatureVerified": True, "accuracyRate": 0.9, "freshness": "fresh"}},
                    "expect": {"verdict": verdict}}
            f.write(json.dumps(case, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
