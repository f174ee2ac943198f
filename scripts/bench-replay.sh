#!/usr/bin/env bash
# Whole-process replay benchmark: `gatelint test` on two generated JSONL suites against their
# parse floor (every line read with serde_json into IgnoredAny on every core), run alternately.
#
# usage: scripts/bench-replay.sh [--runs N] [--baseline BIN] [--stella-cases N] [--gait-cases N]
#                                [--diff] [--check] [--keep DIR]
#
#   --runs N          timed runs of each command per suite (default 3), alternating
#                     floor, then each command with gatelint[ and the baseline], again ...
#   --baseline BIN    another gatelint binary (e.g. built from main) timed the same way
#   --stella-cases N  cases of the Stella Ops suite (scripts/gen-replay-suite.py, default 1000000)
#   --gait-cases N    cases of the Gait suite (scripts/gen-gait-suite.py, default 200000; 0: none)
#   --diff            also time `diff` on the Stella Ops suite: the baseline is the suite's
#                     policy, the candidate a copy with production's MinCompositeScore 0.80 →
#                     0.75 and staging's 0.60 → 0.65 (4% of the cases change; --exit-zero)
#   --check           also time `check --exit-zero` over the Stella Ops suite's directory
#   --keep DIR        generate into DIR and keep it (default: a temporary directory, removed)
#
# Builds `target/release/gatelint` and the `parse_floor` example (benches/tools/parse_floor.rs)
# with `cargo build --release` (CARGO_TARGET_DIR is honoured). Needs python3 and /usr/bin/time;
# installs nothing. Prints, per suite and command: median wall time, median user+system CPU,
# the ratio of the median wall time to the floor's and to `gatelint test`'s, and the peak RSS
# over the runs. Every gatelint run must exit 0 (every generated case passes), or the script
# fails.
set -euo pipefail

runs=3
baseline=""
stella_cases=1000000
gait_cases=200000
keep=""
diff=0
check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --stella-cases) stella_cases="$2"; shift 2 ;;
    --gait-cases) gait_cases="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --diff) diff=1; shift ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
if [ ! -x /usr/bin/time ]; then
  echo "/usr/bin/time is required (GNU time)" >&2
  exit 2
fi
if [ -n "$baseline" ] && [ ! -x "$baseline" ]; then
  echo "--baseline: $baseline is not an executable" >&2
  exit 2
fi

(cd "$root" && cargo build --release --locked --bin gatelint --example parse_floor)
gatelint="$target/release/gatelint"
floor="$target/release/examples/parse_floor"

if [ -n "$keep" ]; then
  work="$keep"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
python3 "$root/scripts/gen-replay-suite.py" "$work/stellaops" "$stella_cases"
stella_suite="$work/stellaops/big.fixtures.jsonl"
suites=("$stella_suite")
if [ "$gait_cases" -gt 0 ]; then
  python3 "$root/scripts/gen-gait-suite.py" "$work/gait" "$gait_cases"
  suites+=("$work/gait/gait.fixtures.jsonl")
fi
# The candidate policy of `--diff`: production loosens, staging tightens.
sed 's/MinCompositeScore: 0\.80/MinCompositeScore: 0.75/; s/MinCompositeScore: 0\.60/MinCompositeScore: 0.65/' \
  "$work/stellaops/policy.yaml" > "$work/candidate.yaml"

times="$work/times.tsv"
: > "$times"

# run LABEL SUITE COMMAND...: one timed run, appended to $times as
# suite, label, wall s, user s, system s, max RSS KiB.
run() {
  local label="$1" suite="$2"
  shift 2
  local out="$work/time.out"
  local code=0
  /usr/bin/time -f '%e\t%U\t%S\t%M' -o "$out" "$@" < /dev/null > /dev/null 2> "$work/stderr" || code=$?
  if [ "$code" -ne 0 ]; then
    echo "$label on $suite exited $code:" >&2
    tail -5 "$work/stderr" >&2
    exit 1
  fi
  printf '%s\t%s\t%s\n' "$(basename "$suite")" "$label" "$(tail -1 "$out")" >> "$times"
}

# commands BIN SUITE: the gatelint commands timed on SUITE, as "label|args" lines.
commands() {
  local suite="$2"
  echo "test|test $suite"
  if [ "$suite" = "$stella_suite" ] && [ "$diff" -eq 1 ]; then
    echo "diff|diff --exit-zero --baseline $work/stellaops/policy.yaml --candidate $work/candidate.yaml --fixtures $suite"
  fi
  if [ "$suite" = "$stella_suite" ] && [ "$check" -eq 1 ]; then
    echo "check|check --exit-zero $work/stellaops"
  fi
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for suite in "${suites[@]}"; do
  # One untimed pass of each, so that every timed run reads the suite from the page cache.
  "$floor" "$suite" > /dev/null
  "$gatelint" test "$suite" > /dev/null
  for _ in $(seq "$runs"); do
    run floor "$suite" "$floor" "$suite"
    while IFS='|' read -r label args; do
      # shellcheck disable=SC2086 # the arguments are split on purpose; no path has a space
      run "gatelint $label" "$suite" "$gatelint" $args
      if [ -n "$baseline" ]; then
        # shellcheck disable=SC2086
        run "baseline $label" "$suite" "$baseline" $args
      fi
    done < <(commands "$gatelint" "$suite")
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$times" "$runs" <<'EOF'
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
suites = []
with open(sys.argv[1]) as f:
    for line in f:
        suite, label, wall, user, system, rss = line.rstrip("\n").split("\t")
        if suite not in suites:
            suites.append(suite)
        rows[(suite, label)].append((float(wall), float(user) + float(system), int(rss)))

print()
print(f"{sys.argv[2]} runs each, alternating; medians; peak RSS is the largest of the runs")
print()
print("| suite | command | wall | user + sys CPU | wall ÷ floor | wall ÷ gatelint test | peak RSS |")
print("|---|---|---:|---:|---:|---:|---:|")
for suite in suites:
    floor = statistics.median(w for w, _, _ in rows[(suite, "floor")])
    test = statistics.median(w for w, _, _ in rows[(suite, "gatelint test")])
    labels = sorted({label for (s, label) in rows if s == suite},
                    key=lambda label: (label != "floor", label.split(" ")[-1], label))
    for label in labels:
        samples = rows[(suite, label)]
        wall = statistics.median(w for w, _, _ in samples)
        cpu = statistics.median(c for _, c, _ in samples)
        rss = max(r for _, _, r in samples)
        ratio = f"{wall / floor:.1f}×" if floor > 0 else "—"
        to_test = f"{wall / test:.2f}×" if test > 0 else "—"
        print(f"| {suite} | {label} | {wall:.2f} s | {cpu:.2f} s | {ratio} | {to_test} | {rss / 1024:.0f} MiB |")
EOF
