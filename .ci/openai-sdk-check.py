#!/usr/bin/env python3
"""The official OpenAI Python SDK against an OpenAI-compatible server (issue 16: the simulator as strict as a real one).

Usage: openai-sdk-check.py BASE_URL [MODEL]    (BASE_URL as http://127.0.0.1:PORT/v1; MODEL: qwen-plus)

Prints one line "ok: ..." per check; on the first failure prints one line "openai-sdk-check: FAILED ..." to stderr
and exits 1. Needs only the `openai` package.
"""
import sys

import openai

PROMPT = [{"role": "user", "content": "Describe a quiet harbour at dawn in a few sentences."}]


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


def unknown_model(client, model):
    try:
        client.chat.completions.create(model="no-such-model-sdk-check", messages=PROMPT)
    except openai.NotFoundError as e:
        return f"an unknown model raises NotFoundError ({e.status_code}, code {e.code})"
    raise Failed("an unknown model was answered instead of raising NotFoundError")


def two_choices(client, model):
    r = client.chat.completions.create(model=model, messages=PROMPT, n=2, seed=7)
    expect(len(r.choices) == 2, f"n=2 gave {len(r.choices)} choices")
    expect(sorted(c.index for c in r.choices) == [0, 1], f"n=2 gave choice indexes {[c.index for c in r.choices]}")
    expect(all(c.message.content for c in r.choices), "n=2 gave an empty choice")
    return "n=2 gives two choices (index 0 and 1)"


def stop_cuts(client, model):
    # the same request without and then with a stop sequence taken from the middle of the first answer
    full = client.chat.completions.create(model=model, messages=PROMPT, seed=7, temperature=0)
    text = full.choices[0].message.content or ""
    words = [w for w in text.split() if len(w) >= 3 and text.find(w) > 0]
    expect(words, f"the answer has no word to stop at: {text!r}")
    stop = words[len(words) // 2]
    expected = text[:text.find(stop)]
    cut = client.chat.completions.create(model=model, messages=PROMPT, seed=7, temperature=0, stop=stop)
    got = cut.choices[0].message.content or ""
    expect(stop not in got, f"stop={stop!r} still in the answer {got!r}")
    expect(got == expected, f"stop={stop!r} gave {got!r}, expected the text before it, {expected!r}")
    expect(cut.choices[0].finish_reason == "stop",
           f"stop={stop!r} gave finish_reason {cut.choices[0].finish_reason!r}, not 'stop'")
    return f"stop={stop!r} cuts the answer ({len(text)} -> {len(got)} chars, finish_reason 'stop')"


def temperature_refused(client, model):
    try:
        client.chat.completions.create(model=model, messages=PROMPT, temperature=5)
    except openai.BadRequestError as e:
        return f"temperature=5 raises BadRequestError ({e.status_code}, param {e.param})"
    raise Failed("temperature=5 was answered instead of raising BadRequestError")


def stream_with_usage(client, model):
    chunks = list(client.chat.completions.create(model=model, messages=PROMPT, stream=True,
                                                 stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finish = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    usage = [c for c in chunks if c.usage is not None]
    expect(text, "the stream sent no text")
    expect(finish == ["stop"], f"the stream's finish reasons were {finish}, not ['stop']")
    expect(len(usage) == 1, f"the stream sent {len(usage)} usage chunks, not 1")
    expect(usage[0] is chunks[-1] and not usage[0].choices, "the usage chunk is not the last one with no choices")
    u = usage[0].usage
    expect(u.completion_tokens > 0 and u.prompt_tokens > 0, f"the stream's usage counts nothing: {u}")
    expect(u.total_tokens == u.prompt_tokens + u.completion_tokens, f"the stream's usage does not add up: {u}")
    return (f"a stream with include_usage: {len(chunks)} chunks, {len(text)} chars, then usage "
            f"({u.prompt_tokens} + {u.completion_tokens} tokens)")


def models_listed(client, model):
    ids = [m.id for m in client.models.list()]
    expect(model in ids, f"models.list() does not list {model}: {ids}")
    expect(client.models.retrieve(model).id == model, f"models.retrieve({model!r}) returned another model")
    return f"models.list() lists {model} ({len(ids)} models)"


CHECKS = [unknown_model, two_choices, stop_cuts, temperature_refused, stream_with_usage, models_listed]


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    base_url = argv[1]
    model = argv[2] if len(argv) == 3 else "qwen-plus"
    client = openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0, timeout=30)
    for check in CHECKS:
        try:
            print("ok: " + check(client, model), flush=True)
        except Failed as e:
            print(f"openai-sdk-check: FAILED {check.__name__}: {e}", file=sys.stderr)
            return 1
        except openai.OpenAIError as e:
            one_line = " ".join(str(e).split())
            print(f"openai-sdk-check: FAILED {check.__name__}: {type(e).__name__}: {one_line}", file=sys.stderr)
            return 1
    print(f"openai-sdk-check: all {len(CHECKS)} checks passed (openai {openai.__version__}, {model} at {base_url})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
