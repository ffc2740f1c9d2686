#!/usr/bin/env bash
# Time from starting a launcher to its first window under Xvfb, against a minimal JavaFX window started by
# the same launcher on the same runtime (a copy of the app's folder whose main class is MinimalWindow.java):
# runs interleaved (app, minimal, app, minimal, ...) after one warm-up of each, then each one's median, range
# and the ratio of the medians, with the load average before and after.
#   installers/linux/first-window.sh [APP_DIR] [N]
# APP_DIR: the installed .deb's /opt/llm-workbench (the default when it exists) or the app-image
# target/installer/llm-workbench; N runs each (default 7). Needs xvfb-run, xdotool and a JDK's javac.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
app=${1:-}
if [ -z "$app" ]; then
  if [ -x /opt/llm-workbench/bin/llm-workbench ]; then app=/opt/llm-workbench; else app=target/installer/llm-workbench; fi
fi
app=$(cd "$app" && pwd)
runs=${2:-7}
test -x "$app/bin/llm-workbench" || { echo "first-window: no launcher $app/bin/llm-workbench" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the baseline: the same launcher and runtime, the minimal window as main class
cp -a "$app" "$work/minimal"
cfg="$work/minimal/lib/app/llm-workbench.cfg"
mkdir -p "$work/classes"
javac --release 17 -nowarn -cp "$app/lib/app/lib/*" -d "$work/classes" "$here/MinimalWindow.java"
jar --create --file "$work/minimal/lib/app/minimal-window.jar" -C "$work/classes" .
sed -i 's/^app\.mainclass=.*/app.mainclass=MinimalWindow/' "$cfg"
sed -i 's|^\[Application\]$|[Application]\napp.classpath=$APPDIR/minimal-window.jar|' "$cfg"
# the minimal window runs on the runtime as a JDK ships it: its default class-data archive (the JDK's own class
# list), not the app's (the installed app's runtime holds an archive the .deb's postinst made of the app's
# classes, valid only for the app's class path)
rm -f "$work/minimal/lib/app/app.classlist" "$work/minimal/lib/runtime/lib/server/classes.jsa"
JAVA_TOOL_OPTIONS="-Xshare:dump" "$work/minimal/bin/llm-workbench" >/dev/null 2>&1 || true
if [ -f "$app/lib/runtime/lib/server/classes.jsa" ]; then
  echo "class-data archives: app $(du -h "$app/lib/runtime/lib/server/classes.jsa" | cut -f1) (its own classes and the JDK's)," \
    "minimal window $(du -h "$work/minimal/lib/runtime/lib/server/classes.jsa" 2>/dev/null | cut -f1 || echo none) (the JDK's default)"
else
  echo "class-data archives: the app has none (an app-image; the .deb makes one at install)," \
    "minimal window $(du -h "$work/minimal/lib/runtime/lib/server/classes.jsa" 2>/dev/null | cut -f1 || echo none) (the JDK's default)"
fi

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$work/data"
export XDG_DATA_HOME="$work/data" APP="$app/bin/llm-workbench" MINIMAL="$work/minimal/bin/llm-workbench" RUNS="$runs"
xvfb-run -a bash -c '
  one() {
    start=$(date +%s%N)
    "$1" >/dev/null 2>"$XDG_DATA_HOME/launcher.err" &
    pid=$!
    # polled every 10 ms (xdotool --sync looks only every half second)
    tries=0
    until xdotool search --onlyvisible --name "LLM Workbench" >/dev/null 2>&1; do
      tries=$((tries + 1))
      if [ "$tries" -gt 6000 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "first-window: $1 showed no window: $(grep -v "^\s*at " "$XDG_DATA_HOME/launcher.err" | tail -3)" >&2; kill "$pid" 2>/dev/null; exit 1
      fi
      sleep 0.01
    done
    end=$(date +%s%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo $(( (end - start) / 1000000 ))
  }
  one "$APP" >/dev/null && one "$MINIMAL" >/dev/null || exit 1
  for i in $(seq 1 "$RUNS"); do
    a=$(one "$APP") && m=$(one "$MINIMAL") || exit 1
    echo "app $a"; echo "minimal $m"
  done' > "$work/times"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
  { v[$1, ++n[$1]] = $2 }
  function med(k,   i, j, t, a) { for (i = 1; i <= n[k]; i++) a[i] = v[k, i]
    for (i = 1; i <= n[k]; i++) for (j = i + 1; j <= n[k]; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    lo[k] = a[1]; hi[k] = a[n[k]]; return a[int((n[k] + 1) / 2)] }
  END { ma = med("app"); mm = med("minimal")
    printf "first window, app:     median %d ms (range %d-%d, %d runs)\n", ma, lo["app"], hi["app"], n["app"]
    printf "first window, minimal: median %d ms (range %d-%d, %d runs)\n", mm, lo["minimal"], hi["minimal"], n["minimal"]
    printf "ratio app / minimal: %.2f (target <= 2)\n", ma / mm }' "$work/times"
