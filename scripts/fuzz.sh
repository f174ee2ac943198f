#!/usr/bin/env bash
# Runs the cargo-fuzz targets one after another and prints a summary.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 600; the targets default to every [[bin]] in fuzz/Cargo.toml.
# cargo-fuzz is installed into .fuzz-tools/ when it is missing. It needs nightly features,
# enabled on a stable toolchain with RUSTC_BOOTSTRAP=1. Each target keeps its corpus in
# fuzz/corpus/<target> and its crashing inputs in fuzz/artifacts/<target>; its libFuzzer log is
# fuzz/logs/<target>.log. Targets are built with debug assertions (overflow checks included).
# The corpus is seeded (read only) from the project's examples and test policies.
# Extra libFuzzer flags can be given in FUZZ_ARGS (default: -timeout=30, so a hang is a crash).
# Exits non-zero when any target crashed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

seconds="${1:-600}"
if [ "$#" -gt 0 ]; then
    shift
fi
case "$seconds" in
'' | *[!0-9]*)
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
    ;;
esac

tools="$root/.fuzz-tools"
if [ ! -x "$tools/bin/cargo-fuzz" ]; then
    echo "installing cargo-fuzz into $tools" >&2
    cargo install cargo-fuzz --locked --root "$tools"
fi
export PATH="$tools/bin:$PATH"
export RUSTC_BOOTSTRAP=1

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(awk '
        /^\[\[bin\]\]/ { in_bin = 1; next }
        /^\[/ { in_bin = 0 }
        in_bin && /^name *=/ { gsub(/.*= *"|".*/, ""); print; in_bin = 0 }
    ' fuzz/Cargo.toml)
fi
if [ "${#targets[@]}" -eq 0 ]; then
    echo "no fuzz targets found in fuzz/Cargo.toml" >&2
    exit 2
fi

read -r -a extra <<<"${FUZZ_ARGS:--timeout=30}"

for target in "${targets[@]}"; do
    cargo fuzz build --debug-assertions "$target"
done

# Read-only seed directories: the project's own example and test inputs for each target.
seeds_of() {
    case "$1" in
    gait_intent) echo examples/gait/intents ;;
    gait_policy) echo examples/gait ;;
    stellaops_model) echo testdata/eval/stellaops/policies ;;
    *) echo testdata/eval/stellaops/policies examples/gait ;;
    esac
}

mkdir -p fuzz/logs
rows=()
failed=0
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    artifacts="fuzz/artifacts/$target"
    log="fuzz/logs/$target.log"
    mkdir -p "$corpus" "$artifacts"
    before="$(find "$artifacts" -type f | wc -l)"
    echo "fuzzing $target for ${seconds}s (log: $log)" >&2
    read -r -a seeds <<<"$(seeds_of "$target")"
    status=0
    cargo fuzz run --debug-assertions "$target" "$corpus" "${seeds[@]}" -- \
        -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" >"$log" 2>&1 || status=$?
    after="$(find "$artifacts" -type f | wc -l)"
    crashes=$((after - before))
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        crashes=1
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    if [ -z "$runs" ]; then
        runs="$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')"
    fi
    elapsed="$(sed -n 's/.*Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)"
    rows+=("$target|${elapsed:-$seconds}|${runs:-0}|$crashes")
    if [ "$crashes" -ne 0 ]; then
        failed=1
        echo "$target crashed (exit $status); artifacts in $artifacts, log in $log" >&2
    fi
done

printf '\n%-16s %8s %12s %8s\n' target seconds runs crashes
for row in "${rows[@]}"; do
    IFS='|' read -r target elapsed runs crashes <<<"$row"
    printf '%-16s %8s %12s %8s\n' "$target" "$elapsed" "$runs" "$crashes"
done
exit "$failed"
