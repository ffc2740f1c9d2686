#!/usr/bin/env bash
# Time from starting a launcher to its first window, under Xvfb: median of N runs (after one warm-up).
#   installers/linux/first-window.sh [LAUNCHER] [N]    (default: the app-image's launcher, 7 runs)
# Needs xvfb-run and xdotool. Uses a scratch data folder.
set -euo pipefail
launcher=${1:-target/installer/llm-workbench/bin/llm-workbench}
runs=${2:-7}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export XDG_DATA_HOME="$data" LAUNCHER="$launcher" RUNS="$runs"
xvfb-run -a bash -c '
  for i in $(seq 0 "$RUNS"); do
    start=$(date +%s%N)
    $LAUNCHER >/dev/null 2>&1 &
    pid=$!
    xdotool search --sync --name "LLM Workbench" >/dev/null
    end=$(date +%s%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    [ "$i" -gt 0 ] && echo $(( (end - start) / 1000000 ))
  done' | sort -n | tee /dev/stderr | awk '{a[NR]=$1} END {print "median ms: " a[int((NR+1)/2)]}'
