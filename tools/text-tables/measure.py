#!/usr/bin/env python3
"""Measures a pinyin table against the reference phrases in ../shared/data/pinyin/pinyin_phrases.txt.

Reports the share of phrases whose reference toneless reading is among the first N keys (default 16)
of the best-first expansion that PinyinConverter.Keys uses. Reference data is only read, never committed.
Usage: python3 tools/text-tables/measure.py [--order ORDER] [--cap N] [--variants N] [--phrases FILE]
"""
import argparse
import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402


def expansions(options, limit):
    """Best first: fewest non-primary readings, then earlier positions, then reading order."""
    poly = [i for i, o in enumerate(options) if len(o) > 1]
    base = [o[0] for o in options]
    count = 0
    for level in range(len(poly) + 1):
        for positions in itertools.combinations(poly, level):
            for choice in itertools.product(*[range(1, len(options[p])) for p in positions]):
                combo = list(base)
                for p, c in zip(positions, choice):
                    combo[p] = options[p][c]
                yield "".join(combo)
                count += 1
                if count >= limit * 8:
                    return


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--unihan", default="/usr/share/unicode")
    p.add_argument("--order", default=generate.DEFAULT_ORDER)
    p.add_argument("--cap", type=int, default=4)
    p.add_argument("--variants", type=int, default=16)
    p.add_argument("--phrases", default=os.path.join(generate.REPO, "..", "shared", "data", "pinyin", "pinyin_phrases.txt"))
    args = p.parse_args()
    _, rows = generate.read_unihan(os.path.join(args.unihan, "Unihan_Readings.txt.bz2"))
    table = generate.build_pinyin(rows, args.order.split(","), args.cap)
    total = hit = first = 0
    with open(args.phrases, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or ":" not in line:
                continue
            phrase, reading = line.split(":", 1)
            phrase = phrase.strip()
            ref = [generate.toneless(r) for r in reading.split("#")[0].split()]
            if len(ref) != len(phrase) or any(r is None for r in ref) or any(ord(c) not in table for c in phrase):
                continue
            total += 1
            want = "".join(ref)
            keys = []
            for k in expansions([table[ord(c)] for c in phrase], args.variants):
                if k not in keys:
                    keys.append(k)
                if len(keys) >= args.variants:
                    break
            hit += want in keys
            first += keys[0] == want
    print(f"order={args.order} cap={args.cap} variants={args.variants}: {total} phrases, "
          f"reference among keys {hit / total:.2%}, reference is first key {first / total:.2%}")


if __name__ == "__main__":
    main()
