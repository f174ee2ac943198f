#!/usr/bin/env bash
# Hostile-input bench: every class of adversarial input at full size, run through the release
# binary with /usr/bin/time; prints one table row per run (class, command, exit, seconds, peak
# RSS). See docs/robustness.md.
#
#   scripts/bench-hostile.sh            # build the release binary, generate, run, print
#   scripts/bench-hostile.sh --no-build # use target/release/gatelint as it is
#
# The inputs are generated into .bench/hostile/ (gitignored). Every run must exit 0 or 6 (never
# 101 or a signal), within the bounds of docs/robustness.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=1
for arg in "$@"; do
    case "$arg" in
        --no-build) BUILD=0 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done
if [ "$BUILD" = 1 ]; then
    cargo build --release --quiet
fi
BIN=$ROOT/target/release/gatelint
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
OUT=$ROOT/.bench/hostile
rm -rf "$OUT"
mkdir -p "$OUT"

python3 - "$OUT" "$ROOT" <<'PY'
import json, os, sys
out, root = sys.argv[1], sys.argv[2]

def write(rel, text, mode="w"):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)

def minified(pad):
    return ('{"Logging":{"Note":"%s"},"PolicyGates":{"VexTrust":{"Enabled":true,"Thresholds":'
            '{"production":{"MinCompositScore":0.9,"FailureAction":"Block"}}}}}' % ("x" * pad))

# A finding far along one line.
write("minified-1mb/appsettings.Production.json", minified(1_000_000))
write("minified-10mb/appsettings.Production.json", minified(10_000_000))
# Many findings on one minified line.
keys = ",".join('"Unknown%d":1' % i for i in range(5000))
write("many-unknown-keys/appsettings.json", '{"PolicyGates":{"VexTrust":{"Enabled":true,%s}}}' % keys)
# One long string, aliased: bounded by bytes.
for size, label in ((100_000, "100kb"), (1_000_000, "1mb")):
    long = "x" * size
    reps = max(1, 1_000_000 // size) * 10
    aliases = ", ".join(["*s"] * reps)
    write(f"string-alias-{label}/appsettings.yaml",
          f"PolicyGates:\n  VexTrust:\n    Enabled: true\n    Note: &s \"{long}\"\n    Notes: [{aliases}]\n")
    write(f"string-alias-gait-{label}/policy.yaml",
          "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: block\n"
          f"note: &s \"{long}\"\nrules:\n  - name: r\n    effect: allow\n    reason_codes: [{aliases}]\n")
# Node-count alias bomb.
lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
for level in range(1, 12):
    lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level-1}"] * 10) + "]")
write("billion-laughs/appsettings.yaml", "PolicyGates:\n  VexTrust:\n    Enabled: true\n" + "\n".join(lines) + "\n")
# Wide and long, without aliases.
write("yaml-1m-keys/appsettings.yaml",
      "PolicyGates:\n  VexTrust:\n    Thresholds:\n" + "".join(f"      k{i}: 0\n" for i in range(1_000_000)))
def b36(n):
    s, d = "", "0123456789abcdefghijklmnopqrstuvwxyz"
    while True:
        s, n = d[n % 36] + s, n // 36
        if n == 0:
            return s
write("json-1m-keys/appsettings.json",
      '{"PolicyGates":{"VexTrust":{"Enabled":true,"Thresholds":{' + ",".join(f'"{b36(i)}":0' for i in range(1_000_000)) + "}}}}")
items = "".join("          - fresh\n" for _ in range(100_000))
head = ("PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n"
        "        FailureAction: Block\n        AcceptableFreshness:\n")
write("list-100k/appsettings.yaml", head + items)
write("list-100k/candidate.yaml", head + items)
write("list-1m/appsettings.yaml", head + "".join("          - fresh\n" for _ in range(600_000)))
write("case.json", json.dumps({"environment": "production", "requestedStatus": "not_affected",
      "vexTrust": {"trustScore": 0.85, "signatureVerified": True, "accuracyRate": 0.9, "freshness": "fresh"}}))
# Many Gait rules.
rules = "".join(f"  - name: r{i}\n    priority: {i}\n    effect: {'allow' if i % 2 else 'block'}\n"
                f"    match:\n      tool_names: [t.{i}]\n      risk_classes: [low]\n" for i in range(10_000))
write("gait-10k-rules/policy.yaml",
      "schema_id: gait.gate.policy\nschema_version: 1.0.0\ndefault_verdict: block\nrules:\n" + rules)
# Deep nesting, other encodings, lone CR.
write("deep/appsettings.json", '{"PolicyGates":' + "[" * 100_000 + "]" * 100_000 + "}")
text = '{"PolicyGates":{"VexTrust":{"Thresholds":{"production":{"MinCompositScore":0.9}}}}}\r\n'
write("utf16/appsettings.Production.json", b"\xff\xfe" + text.encode("utf-16-le"), "wb")
write("lone-cr/appsettings.yaml", "PolicyGates:\r  VexTrust:\r    Enabld: true\r")
PY
mkfifo "$OUT/fifo-appsettings.json"

printf '| class | command | exit | seconds | peak RSS (MiB) |\n|---|---|---|---|---|\n'
status=0
run() {
    local class=$1; shift
    local log=$OUT/time.log
    local code=0
    (cd "$OUT" && timeout 120 "$TIME" -f '%e %M' -o "$log" "$BIN" "$@" >/dev/null 2>"$OUT/stderr.log") || code=$?
    local seconds rss
    read -r seconds rss < <(tail -n 1 "$log" 2>/dev/null || echo "- 0")
    printf '| %s | `gatelint %s` | %s | %s | %s |\n' "$class" "$*" "$code" "$seconds" "$((rss / 1024))"
    if [ "$code" != 0 ] && [ "$code" != 6 ] && [ "$code" != 3 ]; then status=1; fi
}
run "finding at column 1,000,000" check minified-1mb
run "finding at column 10,000,000" check minified-10mb
run "5,000 findings on one line" check many-unknown-keys
run "string alias, 100 KB" check string-alias-100kb
run "string alias, 1 MB" check string-alias-1mb
run "string alias (Gait), 100 KB" check string-alias-gait-100kb
run "string alias (Gait), 1 MB" check string-alias-gait-1mb
run "billion laughs" check billion-laughs
run "YAML, 1M keys" check yaml-1m-keys
run "JSON, 1M keys, one line" check json-1m-keys
run "100,000-item list" check list-100k
run "100,000-item list" eval --policy list-100k/appsettings.yaml --input case.json
run "100,000-item list" diff --baseline list-100k/appsettings.yaml --candidate list-100k/candidate.yaml
run "600,000-item list (10.8 MB)" check list-1m
run "10,000 Gait rules" check gait-10k-rules
run "nesting 100,000 deep" check deep
run "UTF-16 appsettings" check utf16
run "lone-CR line endings" check lone-cr
run "FIFO under a policy name" check fifo-appsettings.json
exit $status
