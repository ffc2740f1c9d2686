#!/usr/bin/env python3
"""Writes a tiny GGUF model of llama.cpp's `qwen3` architecture with Qwen3's real vocabulary.

Only for checking what a llama.cpp server does with a request (the chat template, the thinking switch, the
token counts, how it splits reasoning from the answer), not for its answers.

- Architecture `qwen3`: 2 layers, embedding 64, 4 heads of 16, 2 KV heads, feed-forward 128, the per-head
  q/k RMS norms Qwen3 has, and its own output matrix. All tensors F32.
- Weights (seeded: the same file every run): the attention q/k/v and feed-forward gate/up matrices are small
  random values, but the two matrices that write back into the residual stream (attn_output, ffn_down) are
  zero, so the last hidden state is the last token's embedding and the model is a fixed bigram table: each
  token of a short chain gets its own unit vector as embedding, and the output matrix maps it to the next
  token of the chain with a logit of 80 against 0 for every other token (any sampler picks it). The chain is
  Qwen3's answer shape:
      "\n" (the end of "<|im_start|>assistant\n") -> "<think>" "Let" " me" " think" "." "</think>"
      "\n\n" -> "Hello" "!" "<|im_end|>" (end of generation)
  so with thinking on the model writes "<think>Let me think.</think>\n\nHello!" and, after the empty think
  block that Qwen3's template adds when thinking is off (which ends in "\n\n"), just "Hello!". Every other
  token has a small random embedding.
- Vocabulary: Qwen3's byte-level BPE (model `gpt2`, pre-tokenizer `qwen2`), read from the tokenizer this
  project bundles (src/main/resources/dev/llmworkbench/tokenizers/qwen3.ranks.gz: line i is token i's bytes
  in base64, and token i's rank is i). The merges are recovered from the ranks: merge i makes token 256 + i,
  and its two halves are what byte-pair encoding of that token's bytes with the lower ranks only leaves.
  Then Qwen3's 26 added tokens (ids 151643-151668) with their types: <|endoftext|>, <|im_start|>, <|im_end|>
  and the vision/box ones are control tokens, <think>, </think>, <tool_call> and the others are user-defined
  (Qwen3's tokenizer_config marks them "special": false). eos = <|im_end|>, padding = <|endoftext|>, no BOS.
  So a prompt tokenizes as it does for a real Qwen3 GGUF ("Hi" in Qwen3's ChatML is 9 tokens).
- Chat template (`tokenizer.chat_template`): by default a compact one with Qwen3's semantics (ChatML turns,
  an assistant turn's reasoning_content as "<think>\n...\n</think>\n\n" before its content, and, when
  `enable_thinking` is defined and false, the generation prompt ending with the empty think block
  "<think>\n\n</think>\n\n", as Qwen3's own template does). --chat-template FILE embeds another, for example
  Qwen3's real template.

The GGUF file format (version 3) is written here directly with the standard library; no llama.cpp code.

Usage: make-tiny-qwen3.py OUT.gguf [--chat-template FILE] [--ranks PATH]
"""
import argparse
import base64
import gzip
import os
import random
import struct
import sys
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RANKS = os.path.join(HERE, "..", "..", "src", "main", "resources", "dev", "llmworkbench", "tokenizers",
                             "qwen3.ranks.gz")

# Qwen3's added tokens in id order from 151643, and whether each is a control token (type 3) or user-defined (4).
ADDED = [
    ("<|endoftext|>", 3), ("<|im_start|>", 3), ("<|im_end|>", 3), ("<|object_ref_start|>", 3),
    ("<|object_ref_end|>", 3), ("<|box_start|>", 3), ("<|box_end|>", 3), ("<|quad_start|>", 3),
    ("<|quad_end|>", 3), ("<|vision_start|>", 3), ("<|vision_end|>", 3), ("<|vision_pad|>", 3),
    ("<|image_pad|>", 3), ("<|video_pad|>", 3), ("<tool_call>", 4), ("</tool_call>", 4), ("<|fim_prefix|>", 4),
    ("<|fim_middle|>", 4), ("<|fim_suffix|>", 4), ("<|fim_pad|>", 4), ("<|repo_name|>", 4), ("<|file_sep|>", 4),
    ("<tool_response>", 4), ("</tool_response>", 4), ("<think>", 4), ("</think>", 4),
]

COMPACT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- set content = message.content if message.content is string else '' -%}"
    "{%- if message.role == 'assistant' and message.reasoning_content is string and message.reasoning_content -%}"
    "{{- '<|im_start|>assistant\\n<think>\\n' + message.reasoning_content.strip('\\n') + '\\n</think>\\n\\n'"
    " + content.lstrip('\\n') + '<|im_end|>\\n' -}}"
    "{%- else -%}"
    "{{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>\\n' -}}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{- '<|im_start|>assistant\\n' -}}"
    "{%- if enable_thinking is defined and enable_thinking is false -%}"
    "{{- '<think>\\n\\n</think>\\n\\n' -}}"
    "{%- endif -%}"
    "{%- endif -%}"
)

# The bigram chain the model follows (see the docstring): each token is followed by the next; <|im_end|> ends.
CHAIN = ["\n", "<think>", "Let", " me", " think", ".", "</think>", "\n\n", "Hello", "!", "<|im_end|>"]

N_LAYER, N_EMBD, N_HEAD, N_HEAD_KV, HEAD_DIM, N_FF, N_CTX = 2, 64, 4, 2, 16, 128, 4096


def byte_to_unicode():
    """GPT-2's map from each byte to a printable character (the form byte-level BPE vocabularies are stored in)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def halves(token, rank):
    """The two tokens byte-pair encoding of `token` with ranks below its own leaves (its merge)."""
    limit = rank[token]
    parts = [bytes([b]) for b in token]
    while True:
        best = None
        for i in range(len(parts) - 1):
            r = rank.get(parts[i] + parts[i + 1])
            if r is not None and r < limit and (best is None or r < best[1]):
                best = (i, r)
        if best is None:
            break
        i = best[0]
        parts[i:i + 2] = [parts[i] + parts[i + 1]]
    if len(parts) != 2:
        raise SystemExit("token %r does not split into one merge: %r" % (token, parts))
    return parts


def vocabulary(ranks_path):
    with gzip.open(ranks_path) as f:
        tokens = [base64.b64decode(line) for line in f.read().split(b"\n") if line]
    rank = {t: i for i, t in enumerate(tokens)}
    if len(rank) != len(tokens) or any(len(t) != 1 for t in tokens[:256]):
        raise SystemExit("unexpected ranks file: " + ranks_path)
    u = byte_to_unicode()
    text = lambda bs: "".join(u[b] for b in bs)
    strings = [text(t) for t in tokens]
    merges = []
    for t in tokens[256:]:
        left, right = halves(t, rank)
        merges.append(text(left) + " " + text(right))
    types = [1] * len(tokens)
    for s, ty in ADDED:
        strings.append(s)
        types.append(ty)
    return strings, types, merges


class Gguf:
    """A GGUF version 3 file: key-value metadata, tensor infos, then the tensor data, aligned to 32 bytes."""
    ALIGN = 32
    U32, I32, F32, BOOL, STRING, ARRAY = 4, 5, 6, 7, 8, 9

    def __init__(self):
        self.kv = []
        self.tensors = []

    @staticmethod
    def _str(s):
        b = s.encode("utf-8")
        return struct.pack("<Q", len(b)) + b

    def add(self, key, kind, value):
        self.kv.append((key, kind, value))

    def tensor(self, name, dims, data):
        self.tensors.append((name, dims, data))

    def _value(self, kind, v):
        if kind == self.U32:
            return struct.pack("<I", v)
        if kind == self.I32:
            return struct.pack("<i", v)
        if kind == self.F32:
            return struct.pack("<f", v)
        if kind == self.BOOL:
            return struct.pack("<B", 1 if v else 0)
        if kind == self.STRING:
            return self._str(v)
        raise ValueError(kind)

    def write(self, path):
        out = bytearray(b"GGUF")
        out += struct.pack("<IQQ", 3, len(self.tensors), len(self.kv))
        for key, kind, v in self.kv:
            out += self._str(key)
            if isinstance(kind, tuple):  # (ARRAY, element kind)
                out += struct.pack("<IIQ", self.ARRAY, kind[1], len(v))
                for x in v:
                    out += self._value(kind[1], x)
            else:
                out += struct.pack("<I", kind) + self._value(kind, v)
        offset = 0
        blobs = []
        for name, dims, data in self.tensors:
            out += self._str(name) + struct.pack("<I", len(dims))
            for d in dims:
                out += struct.pack("<Q", d)
            out += struct.pack("<IQ", 0, offset)  # type 0 = F32
            raw = data.tobytes()
            pad = (-len(raw)) % self.ALIGN
            blobs.append(raw + b"\0" * pad)
            offset += len(raw) + pad
        out += b"\0" * ((-len(out)) % self.ALIGN)
        with open(path, "wb") as f:
            f.write(out)
            for b in blobs:
                f.write(b)


def main():
    ap = argparse.ArgumentParser(
        description="Write a tiny qwen3 GGUF with Qwen3's vocabulary that answers in a fixed chain.")
    ap.add_argument("out")
    ap.add_argument("--chat-template", help="a Jinja file to embed instead of the compact Qwen3-like template")
    ap.add_argument("--ranks", default=DEFAULT_RANKS, help="the bundled Qwen3 ranks file (qwen3.ranks.gz)")
    a = ap.parse_args()

    template = COMPACT_TEMPLATE
    if a.chat_template:
        with open(a.chat_template, encoding="utf-8") as f:
            template = f.read()
    strings, types, merges = vocabulary(a.ranks)
    n_vocab = len(strings)
    im_end = strings.index("<|im_end|>")
    eot = strings.index("<|endoftext|>")

    g = Gguf()
    g.add("general.architecture", g.STRING, "qwen3")
    g.add("general.name", g.STRING, "tiny-qwen3-bigram")
    g.add("general.alignment", g.U32, Gguf.ALIGN)
    g.add("qwen3.context_length", g.U32, N_CTX)
    g.add("qwen3.embedding_length", g.U32, N_EMBD)
    g.add("qwen3.block_count", g.U32, N_LAYER)
    g.add("qwen3.feed_forward_length", g.U32, N_FF)
    g.add("qwen3.attention.head_count", g.U32, N_HEAD)
    g.add("qwen3.attention.head_count_kv", g.U32, N_HEAD_KV)
    g.add("qwen3.attention.key_length", g.U32, HEAD_DIM)
    g.add("qwen3.attention.value_length", g.U32, HEAD_DIM)
    g.add("qwen3.rope.freq_base", g.F32, 1000000.0)
    g.add("qwen3.attention.layer_norm_rms_epsilon", g.F32, 1e-6)
    g.add("tokenizer.ggml.model", g.STRING, "gpt2")
    g.add("tokenizer.ggml.pre", g.STRING, "qwen2")
    g.add("tokenizer.ggml.tokens", (g.ARRAY, g.STRING), strings)
    g.add("tokenizer.ggml.token_type", (g.ARRAY, g.I32), types)
    g.add("tokenizer.ggml.merges", (g.ARRAY, g.STRING), merges)
    g.add("tokenizer.ggml.eos_token_id", g.U32, im_end)
    g.add("tokenizer.ggml.padding_token_id", g.U32, eot)
    g.add("tokenizer.ggml.bos_token_id", g.U32, eot)
    g.add("tokenizer.ggml.add_bos_token", g.BOOL, False)
    g.add("tokenizer.chat_template", g.STRING, template)

    rnd = random.Random(20250516)

    def noise(n, scale=0.02):
        return array("f", (rnd.uniform(-scale, scale) for _ in range(n)))

    def ones(n):
        return array("f", [1.0]) * n

    def zeros(n):
        return array("f", bytes(4 * n))

    ids = {s: i for i, s in enumerate(strings)}
    u = byte_to_unicode()
    tok = lambda text: ids[text] if text in ids else ids["".join(u[b] for b in text.encode("utf-8"))]
    chain = [tok(t) for t in CHAIN]
    nexts = {}
    for a_, b_ in zip(chain, chain[1:]):
        if a_ == im_end:
            continue
        nexts[a_] = b_
    if len(nexts) > N_EMBD:
        raise SystemExit("chain longer than the embedding")
    embd = noise(N_EMBD * n_vocab)
    out = zeros(N_EMBD * n_vocab)
    for k, (t, nxt) in enumerate(sorted(nexts.items())):
        embd[t * N_EMBD:(t + 1) * N_EMBD] = array("f", [1.0 if j == k else 0.0 for j in range(N_EMBD)])
        out[nxt * N_EMBD + k] = 10.0  # after RMS norm the unit vector is 8 long: logit 80

    q, kv = N_HEAD * HEAD_DIM, N_HEAD_KV * HEAD_DIM
    g.tensor("token_embd.weight", [N_EMBD, n_vocab], embd)
    g.tensor("output_norm.weight", [N_EMBD], ones(N_EMBD))
    g.tensor("output.weight", [N_EMBD, n_vocab], out)
    for i in range(N_LAYER):
        p = "blk.%d." % i
        g.tensor(p + "attn_norm.weight", [N_EMBD], ones(N_EMBD))
        g.tensor(p + "attn_q.weight", [N_EMBD, q], noise(N_EMBD * q))
        g.tensor(p + "attn_k.weight", [N_EMBD, kv], noise(N_EMBD * kv))
        g.tensor(p + "attn_v.weight", [N_EMBD, kv], noise(N_EMBD * kv))
        g.tensor(p + "attn_output.weight", [q, N_EMBD], zeros(q * N_EMBD))
        g.tensor(p + "attn_q_norm.weight", [HEAD_DIM], ones(HEAD_DIM))
        g.tensor(p + "attn_k_norm.weight", [HEAD_DIM], ones(HEAD_DIM))
        g.tensor(p + "ffn_norm.weight", [N_EMBD], ones(N_EMBD))
        g.tensor(p + "ffn_gate.weight", [N_EMBD, N_FF], noise(N_EMBD * N_FF))
        g.tensor(p + "ffn_up.weight", [N_EMBD, N_FF], noise(N_EMBD * N_FF))
        g.tensor(p + "ffn_down.weight", [N_FF, N_EMBD], zeros(N_FF * N_EMBD))
    g.write(a.out)
    print("wrote %s: qwen3, %d tokens, %d merges, %d bytes" % (a.out, n_vocab, len(merges), os.path.getsize(a.out)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
