#!/usr/bin/env bash
# Renders the Markdown job summary of a real baseline diff (the one `tests/job_summary.rs`
# builds: a git repository whose last commit loosens production's MinCompositeScore and
# misspells a key) to HTML, the way GitHub renders it, and takes a screenshot in Chromium.
#
#   scripts/render-summary.sh [OUT.png]      # default: docs/job-summary.png
#
# Needs chromium (Debian: `apt-get install chromium`) and, for the Mermaid chart, npm (it
# installs mermaid@11 into .bench/mermaid once). Nothing here runs in CI; the test it drives does.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/job-summary.png}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mermaid=.bench/mermaid/node_modules/mermaid/dist/mermaid.min.js
if [[ ! -f "$mermaid" ]]; then
  mkdir -p .bench/mermaid
  (cd .bench/mermaid && npm install --silent --no-audit --no-fund mermaid@11)
fi
chromium="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$chromium" ]]; then
  echo "render-summary: chromium not found (apt-get install chromium)" >&2
  exit 1
fi

GATELINT_SUMMARY_HTML="$work/summary.html" GATELINT_MERMAID_JS="$PWD/$mermaid" \
  cargo test -q --test job_summary a_reviewer_reads_the_news_first_and_code_as_code
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --allow-file-access-from-files --virtual-time-budget=5000 \
  --window-size=1100,1560 --screenshot="$work/shot.png" "file://$work/summary.html" 2>/dev/null
mv "$work/shot.png" "$out"
echo "render-summary: wrote $out (page: the job summary of tests/job_summary.rs)"
