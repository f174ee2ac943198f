#!/usr/bin/env bash
# Side-by-side benchmark: `gatelint validate` vs check-jsonschema (PyPI) vs ajv-cli (npm) over the
# same generated Gait policy files and the same JSON Schema. See docs/benchmarks.md.
#
#   scripts/bench-validate.sh                 # 10,000 files, seed 1, full comparison
#   scripts/bench-validate.sh --count 1000    # quicker
#   scripts/bench-validate.sh --no-gatelint   # only check-jsonschema vs ajv (no cargo build)
#
# Steps: build gatelint (release) -> generate the files into .bench/ (gitignored) -> install the
# pinned tools into .bench/ if missing -> one correctness pass per tool (not in the timings), whose
# set of invalid files must equal the generator's manifest -> timing with hyperfine (or a plain
# loop) -> a summary table with medians and ratios in .bench/results/summary.md.
set -euo pipefail

COUNT=10000
SEED=1
RUNS_GATELINT=10   # gatelint is fast: many runs
RUNS_AJV=5
RUNS_CJ=3          # check-jsonschema takes minutes per run over 10,000 files
WARMUP=1           # warm-up runs for gatelint and ajv (the correctness pass warms the page cache)
WITH_GATELINT=1
DO_TIMING=1
DO_INSTALL=1
SUMMARY_ONLY=0

# Pinned tool versions (bump deliberately; results in docs/benchmarks.md name the versions).
CJ_VERSION=0.39.0
AJV_CLI_VERSION=5.0.0
AJV_VERSION=8.20.0
AJV_FORMATS_VERSION=3.0.1

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    printf "\n"; cat <<EOF
Options:
  --count N           files to generate (default $COUNT)
  --seed S            generator seed (default $SEED)
  --runs N            timed runs of gatelint (default $RUNS_GATELINT)
  --ajv-runs N        timed runs of ajv-cli (default $RUNS_AJV)
  --cj-runs N         timed runs of check-jsonschema (default $RUNS_CJ)
  --no-gatelint       skip building and running gatelint
  --no-timing         correctness pass only
  --no-install        never install anything; fail if a tool is missing
  --summary-only      only re-print the table from the last run's .bench/results/
Environment: SCHEMA (default schemas/gait-policy.schema.json), BENCH_DIR (default .bench),
CARGO_TARGET_DIR.
EOF
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --count) COUNT="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --runs) RUNS_GATELINT="$2"; shift 2 ;;
        --ajv-runs) RUNS_AJV="$2"; shift 2 ;;
        --cj-runs) RUNS_CJ="$2"; shift 2 ;;
        --no-gatelint) WITH_GATELINT=0; shift ;;
        --no-timing) DO_TIMING=0; shift ;;
        --no-install) DO_INSTALL=0; shift ;;
        --summary-only) SUMMARY_ONLY=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="${BENCH_DIR:-$ROOT/.bench}"
SCHEMA="$(realpath "${SCHEMA:-$ROOT/schemas/gait-policy.schema.json}")"
POL="$BENCH/policies-$COUNT-s$SEED"
OUT="$BENCH/results"
mkdir -p "$BENCH" "$OUT"
log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
[[ -f "$SCHEMA" ]] || die "schema not found: $SCHEMA"

# --- timing and the summary table (used in step 5) ------------------------------------------
summary() {
    python3 - "$OUT" "$COUNT" "$POL" "$@" <<'PY'
import json, os, statistics, sys
out, count, pol, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
res = {}
for n in names:
    p = os.path.join(out, f"time-{n}.json")
    try:
        res[n] = json.load(open(p))["results"][0]
    except (OSError, ValueError, KeyError, IndexError):
        pass  # not measured (or still being measured)
if not res:
    sys.exit(0)
size = sum(os.path.getsize(os.path.join(pol, f)) for f in os.listdir(pol) if f.startswith("policy-"))
med = {n: statistics.median(r["times"]) for n, r in res.items()}
cpu = {n: r.get("user", 0.0) + r.get("system", 0.0) for n, r in res.items()}
bases = [b for b in ("gatelint", "gatelint-1-thread") if b in res] or ["ajv-cli"]
load = open(os.path.join(out, "loadavg")).read().strip() if os.path.exists(os.path.join(out, "loadavg")) else "?"
lines = [
    f"{count} files, {size / 1e6:.1f} MB, {os.cpu_count()} cores, load average before/after: {load}.",
    "Wall = elapsed time of one run over all files (median of the runs); CPU = user + system time",
    "(mean of the runs, all threads). Ratio = the tool's time / the reference's time.",
    "",
    "| tool | runs | wall median (s) | wall mean ± sd (s) | wall min … max (s) | CPU (s) | files/s (wall) | "
    + " | ".join(f"wall ratio vs {b}" for b in bases) + " | "
    + " | ".join(f"CPU ratio vs {b}" for b in bases) + " |",
    "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * (2 * len(bases)),
]
for n, r in res.items():
    t = r["times"]
    sd = statistics.stdev(t) if len(t) > 1 else 0.0
    wall = " | ".join(f"{med[n] / med[b]:.1f}×" for b in bases)
    cpus = " | ".join(f"{cpu[n] / cpu[b]:.1f}×" if cpu[b] else "?" for b in bases)
    lines.append(f"| {n} | {len(t)} | {med[n]:.2f} | {statistics.mean(t):.2f} ± {sd:.2f} | {min(t):.2f} … {max(t):.2f}"
                 f" | {cpu[n]:.2f} | {count / med[n]:,.0f} | {wall} | {cpus} |")
text = "\n".join(lines) + "\n"
print("\n" + text)
open(os.path.join(out, "summary.md"), "w").write(text)
PY
}

time_it() { # name, runs, warmup, command
    local name="$1" runs="$2" warmup="$3" cmd="$4"
    log "timing $name ($runs runs, $warmup warm-up): $cmd"
    if command -v hyperfine >/dev/null; then
        hyperfine --style basic --ignore-failure --runs "$runs" --warmup "$warmup" \
            --command-name "$name" --export-json "$OUT/time-$name.json" "$cmd" >&2
    else
        python3 - "$OUT/time-$name.json" "$name" "$runs" "$warmup" "$cmd" <<'PY'
import json, resource, subprocess, sys, time
path, name, runs, warmup, cmd = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
times, user, system = [], 0.0, 0.0
for i in range(warmup + runs):
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(["bash", "-c", cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1, r1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    if i >= warmup:
        times.append(t1 - t0)
        user += (r1.ru_utime - r0.ru_utime) / runs
        system += (r1.ru_stime - r0.ru_stime) / runs
        print(f"  run {i - warmup + 1}: {times[-1]:.3f} s", file=sys.stderr)
json.dump({"results": [{"command": name, "times": times, "user": user, "system": system}]}, open(path, "w"))
PY
    fi
}

if [[ $SUMMARY_ONLY == 1 ]]; then
    summary gatelint gatelint-1-thread ajv-cli check-jsonschema
    exit 0
fi

# --- 1. gatelint ----------------------------------------------------------------------------
GATELINT=""
if [[ $WITH_GATELINT == 1 ]]; then
    log "building gatelint (release)"
    (cd "$ROOT" && cargo build --release --locked --quiet)
    GATELINT="${CARGO_TARGET_DIR:-$ROOT/target}/release/gatelint"
    GATELINT="$(realpath "$GATELINT")"
    "$GATELINT" validate --help >/dev/null 2>&1 || die "$GATELINT has no 'validate' command"
fi

# --- 2. the files ---------------------------------------------------------------------------
STAMP="$(cat "$ROOT/scripts/gen-policies.py" | sha256sum | cut -c1-16)-$COUNT-$SEED"
if [[ "$(cat "$POL/.stamp" 2>/dev/null)" != "$STAMP" ]]; then
    log "generating $COUNT policies (seed $SEED) into $POL"
    rm -rf "$POL"
    python3 "$ROOT/scripts/gen-policies.py" --count "$COUNT" --seed "$SEED" --out "$POL"
    echo "$STAMP" >"$POL/.stamp"
else
    log "reusing $POL (generator and arguments unchanged)"
fi
MANIFEST="$POL/expected-invalid.txt"

# --- 3. the other tools (pinned, local to .bench/) ------------------------------------------
CJ="$BENCH/venv/bin/check-jsonschema"
AJV="$BENCH/node_modules/.bin/ajv"
installed_cj() { [[ -x "$CJ" ]] && "$CJ" --version 2>/dev/null | grep -q "version $CJ_VERSION\$"; }
installed_ajv() {
    [[ -x "$AJV" ]] && node -e '
        const v = (p) => require(process.argv[1] + "/node_modules/" + p + "/package.json").version;
        process.exit(v("ajv-cli") === process.argv[2] && v("ajv") === process.argv[3]
            && v("ajv-formats") === process.argv[4] ? 0 : 1);' \
        "$BENCH" "$AJV_CLI_VERSION" "$AJV_VERSION" "$AJV_FORMATS_VERSION" 2>/dev/null
}
if ! installed_cj; then
    [[ $DO_INSTALL == 1 ]] || die "check-jsonschema $CJ_VERSION missing in $BENCH/venv"
    log "installing check-jsonschema==$CJ_VERSION into $BENCH/venv"
    python3 -m venv "$BENCH/venv"
    "$BENCH/venv/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema==$CJ_VERSION"
fi
if ! installed_ajv; then
    [[ $DO_INSTALL == 1 ]] || die "ajv-cli $AJV_CLI_VERSION missing in $BENCH/node_modules"
    log "installing ajv-cli@$AJV_CLI_VERSION ajv@$AJV_VERSION ajv-formats@$AJV_FORMATS_VERSION into $BENCH"
    [[ -f "$BENCH/package.json" ]] || echo '{"name":"gatelint-bench","private":true}' >"$BENCH/package.json"
    npm install --prefix "$BENCH" --no-audit --no-fund --save-exact --loglevel=error \
        "ajv-cli@$AJV_CLI_VERSION" "ajv@$AJV_VERSION" "ajv-formats@$AJV_FORMATS_VERSION"
fi
if ! command -v hyperfine >/dev/null && [[ $DO_TIMING == 1 && $DO_INSTALL == 1 ]] \
    && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing hyperfine (apt-get)"
    apt-get install -y -qq hyperfine >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; } \
        || echo "hyperfine not installable; falling back to a plain timing loop" >&2
fi

# --- the commands, each tool's natural multi-file invocation, run from inside $POL ----------
# check-jsonschema and gatelint take the file names as arguments (10,000 short relative names are
# ~180 KB, far below ARG_MAX); past 50,000 files both get them through the same `xargs`.
# ajv-cli expands its own globs (`-d` twice) and reads YAML itself (js-yaml), so no YAML->JSON
# conversion happens anywhere and every tool parses the very same bytes.
with_files() { # a tool command -> that command over every policy file in the current directory
    if (( COUNT > 50000 )); then
        echo "printf '%s\\0' policy-* | xargs -0 -s 1500000 $1"
    else
        echo "$1 policy-*"
    fi
}
CMD_CJ="$(with_files "$CJ --schemafile $SCHEMA")"
CMD_AJV="$AJV validate --spec=draft2020 --strict=false -c ajv-formats -s $SCHEMA -d 'policy-*.yaml' -d 'policy-*.json'"
if [[ -n $GATELINT ]]; then
    CMD_GL="$(with_files "$GATELINT validate")"
    CMD_GL1="export RAYON_NUM_THREADS=1; $CMD_GL"
fi

# --- 4. correctness pass: each tool's invalid set must equal the manifest -------------------
cd "$POL"
TIMEFMT=()
[[ -x /usr/bin/time ]] && TIMEFMT=(/usr/bin/time -f '%e s wall, %M KiB max RSS' -o)
run_once() { # name, command, stdout file, stderr file
    local name="$1" cmd="$2" rc=0
    log "correctness pass: $name"
    if [[ ${#TIMEFMT[@]} -gt 0 ]]; then
        "${TIMEFMT[@]}" "$OUT/$name.time" bash -c "$cmd" >"$3" 2>"$4" || rc=$?
        echo "   exit $rc, $(tail -n 1 "$OUT/$name.time")" >&2
    else
        bash -c "$cmd" >"$3" 2>"$4" || rc=$?
        echo "   exit $rc" >&2
    fi
    echo "$rc" >"$OUT/$name.rc"
}

run_once check-jsonschema "$(with_files "$CJ -o json --schemafile $SCHEMA")" "$OUT/check-jsonschema.json" "$OUT/check-jsonschema.err"
run_once ajv-cli "$CMD_AJV --errors=line" "$OUT/ajv-cli.out" "$OUT/ajv-cli.err"
if [[ -n $GATELINT ]]; then
    run_once gatelint "$(with_files "$GATELINT validate --format json")" "$OUT/gatelint.json" "$OUT/gatelint.err"
fi

AGREE=0
python3 - "$POL" "$OUT" "$COUNT" "${GATELINT:+1}" <<'PY' || AGREE=$?
import json, os, sys
pol, out, count, with_gl = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
expected = set(open(os.path.join(pol, "expected-invalid.txt")).read().split())
kinds = dict(line.split("\t")[:2] for line in open(os.path.join(pol, "mutations.tsv")).read().splitlines()[1:])
problems = []

def rc(name):
    return int(open(os.path.join(out, name + ".rc")).read())

def docs(name):
    # One JSON document per process; past 50,000 files xargs runs several processes.
    text, dec, pos, found = open(os.path.join(out, name)).read(), json.JSONDecoder(), 0, []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return found
        doc, pos = dec.raw_decode(text, pos)
        found.append(doc)

def exit_ok(name, code_if_invalid, invalid):
    code = rc(name)
    if count > 50000:  # through xargs: 123 = some batch failed
        code = {123: code_if_invalid}.get(code, code)
    want = code_if_invalid if invalid else 0
    if code != want:
        problems.append(f"{name} exited {rc(name)}, want {want} ({len(invalid)} invalid files)")

def cj():
    invalid, reports = set(), docs("check-jsonschema.json")
    for doc in reports:
        invalid |= {e["filename"] for e in doc.get("errors", [])}
        invalid |= {e["filename"] for e in doc.get("parse_errors", [])}
    if not reports:
        problems.append("check-jsonschema printed no JSON report")
    exit_ok("check-jsonschema", 1, invalid)
    return invalid

def ajv():
    ok = {l.rsplit(" ", 1)[0] for l in open(os.path.join(out, "ajv-cli.out")) if l.rstrip().endswith(" valid")}
    bad = {l.rsplit(" ", 1)[0] for l in open(os.path.join(out, "ajv-cli.err")) if l.rstrip().endswith(" invalid")}
    if len(ok) + len(bad) != count:
        problems.append(f"ajv-cli gave a verdict for {len(ok) + len(bad)} of {count} files")
    exit_ok("ajv-cli", 1, bad)
    return bad

def gatelint():
    reports = docs("gatelint.json")
    files = [f for d in reports for f in d["files"] if f.get("kind") == "gait-policy"]
    skipped = [f for d in reports for f in d["skipped"]]
    if len(files) != count or skipped:
        problems.append(f"gatelint classified {len(files)} of {count} files as gait-policy, skipped {len(skipped)}")
    invalid = {f["path"] for d in reports for f in d["findings"] if f["severity"] == "error"}
    exit_ok("gatelint", 6, invalid)
    return invalid

tools = [("check-jsonschema", cj), ("ajv-cli", ajv)] + ([("gatelint", gatelint)] if with_gl else [])
sets = {}
print(f"\nexpected invalid (manifest): {len(expected)} of {count}")
for name, fn in tools:
    got = sets[name] = fn()
    missed, extra = sorted(expected - got), sorted(got - expected)
    verdict = "AGREES with the manifest" if not missed and not extra else "DIFFERS from the manifest"
    print(f"{name:17} {len(got):5} invalid  {verdict}")
    for f in missed:
        print(f"    missed (expected invalid: {kinds.get(f, '?')}): {f}")
    for f in extra:
        print(f"    extra (expected valid): {f}")
    if missed or extra:
        problems.append(f"{name}: {len(missed)} missed, {len(extra)} extra")
for p in problems:
    print("PROBLEM:", p)
sys.exit(1 if problems else 0)
PY

# --- 5. timing ------------------------------------------------------------------------------
if [[ $DO_TIMING == 1 ]]; then
    rm -f "$OUT"/time-*.json
    LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
    log "machine: $(nproc) cores, load average $LOAD_BEFORE"
    if [[ -n $GATELINT ]]; then
        time_it gatelint "$RUNS_GATELINT" "$WARMUP" "$CMD_GL"
        time_it gatelint-1-thread "$RUNS_GATELINT" "$WARMUP" "$CMD_GL1"
    fi
    time_it ajv-cli "$RUNS_AJV" "$WARMUP" "$CMD_AJV"
    time_it check-jsonschema "$RUNS_CJ" 0 "$CMD_CJ"
    LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
    log "load average after: $LOAD_AFTER"
    echo "$LOAD_BEFORE / $LOAD_AFTER" >"$OUT/loadavg"
    summary gatelint gatelint-1-thread ajv-cli check-jsonschema
fi

log "versions: check-jsonschema $CJ_VERSION, ajv-cli $AJV_CLI_VERSION (ajv $AJV_VERSION), node $(node --version), python $(python3 -c 'import platform; print(platform.python_version())')${GATELINT:+, $("$GATELINT" --version)}"
if [[ $AGREE != 0 ]]; then
    echo "invalid sets DIFFER (see above)" >&2
    exit 1
fi
echo "invalid sets agree with the manifest" >&2
