#!/usr/bin/env bash
# Renders an Axon HTML report to a PNG screenshot with headless Chromium (Debian package "chromium").
# Usage: scripts/render-report.sh <report.html> <out.png> [width height]
# The browser is $CHROMIUM if set, else chromium on the PATH. Gives up after 30 s.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
  echo "usage: $0 <report.html> <out.png> [width height]" >&2
  exit 2
fi

report=$1
out=$2
width=${3:-1280}
height=${4:-2000}

if [[ ! -f $report ]]; then
  echo "no such report: $report" >&2
  exit 2
fi

browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z $browser || ! -x $browser ]]; then
  echo "chromium not found; install it with: apt-get install -y chromium" >&2
  exit 3
fi

report_url="file://$(realpath "$report")"
out_path="$(realpath -m "$out")"
mkdir -p "$(dirname "$out_path")"
rm -f "$out_path"

profile=$(mktemp -d "${TMPDIR:-/tmp}/axon-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT

timeout --kill-after=5 30 "$browser" \
  --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-dev-shm-usage --hide-scrollbars \
  --user-data-dir="$profile" \
  --screenshot="$out_path" \
  --window-size="$width,$height" \
  "$report_url" >/dev/null 2>&1 || {
    status=$?
    echo "chromium failed (exit $status) rendering $report" >&2
    exit "$status"
  }

if [[ ! -s $out_path ]]; then
  echo "chromium wrote no screenshot for $report" >&2
  exit 1
fi
echo "$out_path"
