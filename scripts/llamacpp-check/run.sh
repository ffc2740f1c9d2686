#!/usr/bin/env bash
# Does `--no-thinking` change what a real llama.cpp server gives the model? (issue 16)
#
# Makes a tiny qwen3 model with Qwen3's vocabulary (make-tiny-qwen3.py), starts llama-server on it
# with Qwen3's way of switching thinking off in the chat template, sends "Hi" with our command line in several
# dialects and prints the prompt_tokens the server counted for each, with the reasoning and answer it sent back.
# Exits 1 when the llamacpp dialect's --no-thinking did not change prompt_tokens, against its --thinking and
# against the DashScope-style top-level enable_thinking, which llama.cpp ignores (so with the server started
# with --reasoning off, where every request without chat_template_kwargs is off, the second check fails by design).
#
# Builds nothing. Needs: LLAMA_SERVER=path/to/llama-server (see README.md here), python3, curl, java 17, and the
# jar (mvn -o -B package -DskipTests). Optional: PORT (8093), JAR (target/llm-workbench.jar), WORK (a new
# temporary folder), CHAT_TEMPLATE=file.jinja to embed another template in the model (e.g. llama.cpp's
# models/templates/Qwen-Qwen3-0.6B.jinja, Qwen3's own), EXTRA_SERVER_ARGS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${LLAMA_SERVER:?set LLAMA_SERVER to the llama-server binary (see scripts/llamacpp-check/README.md)}"
PORT="${PORT:-8093}"
JAR="${JAR:-$root/target/llm-workbench.jar}"
WORK="${WORK:-$(mktemp -d /tmp/llamacpp-check.XXXXXX)}"
[ -x "$LLAMA_SERVER" ] || { echo "not executable: $LLAMA_SERVER" >&2; exit 2; }
[ -f "$JAR" ] || { echo "no jar at $JAR: run mvn -o -B package -DskipTests first" >&2; exit 2; }
mkdir -p "$WORK"
base="http://127.0.0.1:$PORT"

model="$WORK/tiny-qwen3.gguf"
tmpl_args=()
[ -n "${CHAT_TEMPLATE:-}" ] && tmpl_args=(--chat-template "$CHAT_TEMPLATE")
[ -f "$model" ] && [ -z "${CHAT_TEMPLATE:-}" ] || python3 "$here/make-tiny-qwen3.py" "$model" "${tmpl_args[@]}"

"$LLAMA_SERVER" --version 2>&1 | sed -n '1,2p' || true
# shellcheck disable=SC2086
"$LLAMA_SERVER" -m "$model" --jinja --reasoning-format deepseek --host 127.0.0.1 --port "$PORT" -c 512 -n 16 -t 2 \
    --no-webui ${EXTRA_SERVER_ARGS:-} >"$WORK/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
# /health answers 503 while the model loads; curl retries that and a refused connection, 60 times a second apart
if ! curl -sf --retry 60 --retry-delay 1 --retry-connrefused --retry-all-errors "$base/health" >/dev/null; then
    echo "llama-server did not come up; its log:" >&2
    tail -30 "$WORK/server.log" >&2
    exit 2
fi

# prompt_tokens, reasoning and text out of one `chat --json` answer (or its error)
summary() {
    python3 -c '
import json, sys
o = json.load(sys.stdin)
u = o.get("usage") or {}
e = o.get("error")
print("%s\t%s\t%s\t%s\t%s" % (u.get("prompt_tokens"), json.dumps(o.get("reasoning")), json.dumps((o.get("text") or "")[:24]),
                              o.get("finish_reason"), (e or {}).get("message", "")))'
}

data="$WORK/data"  # our data folder for this run only (profiles, history), new each run
rm -rf "$data"
cli() {
    java -Dllmworkbench.data.dir="$data" -jar "$JAR" "$@"
}

declare -A pt
rows=()
run() {  # run NAME ARGS...
    local name="$1"
    shift
    local out
    out="$(cli chat "$@" --max-tokens 16 --json "Hi" 2>"$WORK/$name.stderr" || true)"
    printf '%s\n' "$out" >"$WORK/$name.json"
    local s
    s="$(printf '%s' "$out" | summary)" || s="?	?	?	unparsable output, see $WORK/$name.json"
    pt[$name]="${s%%	*}"
    rows+=("$name	$s")
}

run llamacpp-no-thinking   --base-url "$base/v1" --model tiny --dialect llamacpp --no-thinking
run llamacpp-thinking      --base-url "$base/v1" --model tiny --dialect llamacpp --thinking
run llamacpp-no-switch     --base-url "$base/v1" --model tiny --dialect llamacpp
run llamacpp-no-thinking-no-stream --base-url "$base/v1" --model tiny --dialect llamacpp --no-thinking --no-stream
run dashscope-no-thinking  --base-url "$base/v1" --model tiny --dialect dashscope --no-thinking --no-stream
run generic-no-thinking    --base-url "$base/v1" --model tiny --dialect generic --no-thinking
cli profile add lc --preset llamacpp --base-url "$base/v1" --model tiny >/dev/null  # chat --profile sends its model
run profile-lc-no-thinking --profile lc --no-thinking
run profile-lc-thinking    --profile lc --thinking

# the same two requests by hand, to see the server's own count without our client
raw() {
    curl -s "$base/v1/chat/completions" -H 'Content-Type: application/json' -d "$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["usage"]["prompt_tokens"])'
}
msg='"model":"tiny","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]'
curl_top="$(raw "{$msg,\"enable_thinking\":false}")" || curl_top="?"
curl_kw="$(raw "{$msg,\"chat_template_kwargs\":{\"enable_thinking\":false}}")" || curl_kw="?"

printf '\n%-32s %-14s %-17s %-10s %-7s %s\n' case prompt_tokens reasoning text finish error
for r in "${rows[@]}"; do
    IFS=$'\t' read -r name p reas text fin err <<<"$r"
    printf '%-32s %-14s %-17s %-10s %-7s %s\n' "$name" "$p" "$reas" "$text" "$fin" "$err"
done
printf '%-32s %-14s\n' "curl top-level enable_thinking" "$curl_top" "curl chat_template_kwargs" "$curl_kw"
echo "(files: $WORK)"

off="${pt[llamacpp-no-thinking]}"
if [[ ! "$off" =~ ^[0-9]+$ ]]; then
    echo "FAIL: no prompt_tokens for --dialect llamacpp --no-thinking" >&2
    exit 1
fi
on="${pt[llamacpp-thinking]}"
top="${pt[dashscope-no-thinking]}"
if [ "$off" = "$on" ] || [ "$off" = "$top" ]; then
    echo "FAIL: --no-thinking (llamacpp) did not change prompt_tokens: $off, against $on with --thinking and $top" \
         "with a top-level enable_thinking: false (which llama.cpp ignores)" >&2
    exit 1
fi
echo "OK: --no-thinking (llamacpp) changed prompt_tokens: $off, against $on with --thinking, $top with a top-level" \
     "enable_thinking: false (which llama.cpp ignores) and ${pt[llamacpp-no-switch]} without a switch"
