#!/usr/bin/env bash
# Compares the output of two gatelint binaries' `diff` byte for byte, in every output format, on
# the example policies and fixtures and on generated suites with verdict changes; the second
# binary also with RAYON_NUM_THREADS=1 against its default thread count.
#
# usage: scripts/diff-parity.sh OLD_BIN NEW_BIN [CASES]   (CASES of the generated suites, default 20000)
#
# Needs python3; writes only into a temporary directory. Prints one line per run and a total;
# exits 1 when any output (standard output, standard error or exit code) differs.
set -euo pipefail

old="$(realpath "$1")"
new="$(realpath "$2")"
cases="${3:-20000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Stella Ops examples: the candidate loosens production and tightens staging.
mkdir -p "$work/stella"
cp -r "$root/examples/stellaops/." "$work/stella/"
cp "$root/examples/stellaops/policy-gates.yaml" "$work/stella-baseline.yaml"
sed -i 's/minCompositeScore: 0\.80/minCompositeScore: 0.85/; s/minCompositeScore: 0\.60/minCompositeScore: 0.50/' \
  "$work/stella/policy-gates.yaml"
# The same pair as two trees.
mkdir -p "$work/trees/base" "$work/trees/cand"
cp -r "$root/examples/stellaops/." "$work/trees/base/"
cp -r "$work/stella/." "$work/trees/cand/"
# Without the example that is invalid on purpose: an invalid tree is not compared.
rm "$work/trees/base/appsettings.Production.json" "$work/trees/cand/appsettings.Production.json"
# Gait examples: the suite and intents against the risky policy as the baseline.
mkdir -p "$work/gait"
cp -r "$root/examples/gait/." "$work/gait/"
# Generated suites, candidates with changed thresholds or rules.
python3 "$root/scripts/gen-replay-suite.py" "$work/big" "$cases"
cp "$work/big/policy.yaml" "$work/big-baseline.yaml"
sed -i 's/MinCompositeScore: 0\.80/MinCompositeScore: 0.75/; s/MinCompositeScore: 0\.60/MinCompositeScore: 0.65/' \
  "$work/big/policy.yaml"
python3 "$root/scripts/gen-gait-suite.py" "$work/gaitbig" "$cases"
cp "$root/examples/gait/risky-policy.yaml" "$work/gaitbig-baseline.yaml"

runs=0
differ=0
# compare NAME ARGS...: every format, old against new, new against itself on one thread.
compare() {
  local name="$1"
  shift
  for format in human json sarif github junit markdown; do
    for who in old new one; do
      local bin="$new" env=()
      [ "$who" = old ] && bin="$old"
      [ "$who" = one ] && env=(RAYON_NUM_THREADS=1)
      local code=0
      (cd "$work" && env "${env[@]}" "$bin" diff "$@" --format "$format" \
        > "$work/$who.out" 2> "$work/$who.err") || code=$?
      echo "$code" > "$work/$who.code"
    done
    runs=$((runs + 1))
    local verdict=same
    for who in new one; do
      for part in out err code; do
        if ! cmp -s "$work/old.$part" "$work/$who.$part"; then
          verdict="DIFFERS ($who $part)"
        fi
      done
    done
    [ "$verdict" = same ] || differ=$((differ + 1))
    printf '%-28s %-9s exit %s, %7s bytes: %s\n' "$name" "$format" "$(cat "$work/old.code")" \
      "$(wc -c < "$work/old.out")" "$verdict"
  done
}

compare stella-examples --baseline stella-baseline.yaml --candidate stella/policy-gates.yaml \
  --fixtures stella/release.fixtures.yaml
compare stella-trees --baseline trees/base --candidate trees/cand
compare gait-examples --baseline gait/risky-policy.yaml --candidate gait/policy.yaml \
  --fixtures gait/agent.fixtures.yaml gait/intents
compare "stella-generated-$cases" --baseline big-baseline.yaml --candidate big/policy.yaml \
  --fixtures big/big.fixtures.jsonl
compare "gait-generated-$cases" --baseline gaitbig-baseline.yaml --candidate gaitbig/policy.yaml \
  --fixtures gaitbig/gait.fixtures.jsonl
echo "$runs comparisons, $differ differ"
[ "$differ" -eq 0 ]
