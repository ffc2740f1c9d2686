#!/usr/bin/env bash
# Data survives a reinstall: installs the .deb into a scratch root with dpkg -x (no root needed), runs the
# smoke test, installs over itself, runs again, removes and installs afresh, runs again, all against one
# data folder (XDG_DATA_HOME), and shows the smoke-test run count kept in its database. Needs python3, xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=$(ls target/installer/llm-workbench_*.deb)
root=/tmp/scratch-root; data=/tmp/scratch-data
rm -rf "$root" "$data"; mkdir -p "$root"
runs() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select value_json from settings where key='smoke-test.runs'\").fetchone()[0])" "$data/llm-workbench/workbench.db"; }
smoke() { XDG_DATA_HOME="$data" timeout 120 xvfb-run -a "$root/opt/llm-workbench/bin/llm-workbench" --smoke-test 2>/dev/null; }
dpkg -x "$deb" "$root"; touch /tmp/scratch-marker
smoke; echo "install 1:            exit 0, smoke-test.runs=$(runs)"
dpkg -x "$deb" "$root"
smoke; echo "dpkg -x over itself:  exit 0, smoke-test.runs=$(runs)"
rm -rf "$root"; mkdir -p "$root"; dpkg -x "$deb" "$root"
smoke; echo "removed + installed:  exit 0, smoke-test.runs=$(runs)"
echo "data folder:"; ls -la "$data/llm-workbench" | tail -n +2
echo "files written inside the installation by the runs: $(find "$root" -newer /tmp/scratch-marker -type f | wc -l)"
