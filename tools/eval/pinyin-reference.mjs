// Independent pinyin reference for the matching evaluation (docs/matching.md): reads normalized query texts,
// one per line, on stdin and writes "text<TAB>token token ..." with one token per character: its toneless
// pinyin from pinyin-pro (context-aware polyphones, ü as v), or "_" for a character without pinyin.
import { createInterface } from 'node:readline';
import { pinyin } from 'pinyin-pro';

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
for await (const line of lines) {
  if (line.length === 0) continue;
  const tokens = pinyin(line, { toneType: 'none', type: 'all', v: true })
    .map((c) => (c.isZh && c.pinyin ? c.pinyin.toLowerCase() : '_'));
  out.push(`${line}\t${tokens.join(' ')}`);
  if (out.length >= 10000) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
}
if (out.length) process.stdout.write(out.join('\n') + '\n');
