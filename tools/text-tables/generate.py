#!/usr/bin/env python3
"""Derives QueryRec's text tables from the Unihan database (Debian package `unicode-data`).

Outputs, under src/QueryRec.Core/Matching/Data/ (committed; CI never regenerates them):
  pinyin.txt.gz  codepoint -> toneless lower-case pinyin readings, most common first
  t2s.txt        traditional -> simplified character pairs (kSimplifiedVariant)

Usage: python3 tools/text-tables/generate.py [--unihan DIR] [--out DIR] [--order ORDER] [--cap N]
See tools/text-tables/README.md.
"""
import argparse
import bz2
import gzip
import os
import re
import sys
import unicodedata

DEFAULT_ORDER = "kMandarin,kXHC1983,kTGHZ2013,kHanyuPinyin"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def toneless(syllable):
    """'lǜ' -> 'lv', 'zhòng' -> 'zhong', 'ḿ' -> 'm', 'ê̄' -> 'e'. ü is written v."""
    decomposed = unicodedata.normalize("NFD", syllable.strip().lower())
    out = []
    for ch in decomposed:
        if ch == "\u0308":  # combining diaeresis: u + ¨ = ü -> v
            if out and out[-1] == "u":
                out[-1] = "v"
            continue
        if unicodedata.combining(ch):
            continue
        out.append(ch)
    text = "".join(out)
    return text if re.fullmatch(r"[a-z]+", text) else None


def field_readings(field, value):
    """The readings of one Unihan field, in the field's own order."""
    if field == "kMandarin":
        return value.split()
    if field == "kHanyuPinlu":  # xíng(2943) háng(218): already by frequency
        return [re.sub(r"\(\d+\)", "", v) for v in value.split()]
    if field in ("kXHC1983", "kTGHZ2013", "kHanyuPinyin"):  # loc:r1,r2 loc:r3
        readings = []
        for part in value.split():
            readings.extend(part.split(":", 1)[1].split(","))
        return readings
    raise ValueError(field)


def read_unihan(path):
    version = None
    rows = []
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                m = re.match(r"# Unicode version: (\S+)", line)
                if m:
                    version = m.group(1)
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                rows.append((int(parts[0][2:], 16), parts[1], parts[2]))
    return version, rows


def build_pinyin(rows, order, cap):
    by_char = {}
    for cp, field, value in rows:
        if field in order:
            by_char.setdefault(cp, {})[field] = value
    table = {}
    for cp, fields in by_char.items():
        readings = []
        for field in order:
            if field not in fields:
                continue
            for r in field_readings(field, fields[field]):
                t = toneless(r)
                if t and t not in readings:
                    readings.append(t)
        if readings:
            table[cp] = readings[:cap]
    return table


def build_t2s(rows):
    raw = {}
    for cp, field, value in rows:
        if field == "kSimplifiedVariant":
            targets = [int(v[2:], 16) for v in value.split()]
            if cp in targets:
                continue  # the character is (also) its own simplified form: leave it alone
            raw[cp] = targets[0]
    # resolve chains so that folding is idempotent (a target is never itself a source)
    resolved = {}
    for source, target in raw.items():
        seen = {source}
        while target in raw and target not in seen:
            seen.add(target)
            target = raw[target]
        if target != source:
            resolved[source] = target
    return resolved


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--unihan", default="/usr/share/unicode")
    p.add_argument("--out", default=os.path.join(REPO, "src", "QueryRec.Core", "Matching", "Data"))
    p.add_argument("--order", default=DEFAULT_ORDER, help="reading fields, most trusted first")
    p.add_argument("--cap", type=int, default=4, help="readings kept per character")
    args = p.parse_args()
    order = args.order.split(",")

    version, readings_rows = read_unihan(os.path.join(args.unihan, "Unihan_Readings.txt.bz2"))
    vversion, variant_rows = read_unihan(os.path.join(args.unihan, "Unihan_Variants.txt.bz2"))
    if version != vversion:
        sys.exit(f"Unihan_Readings is {version} but Unihan_Variants is {vversion}")

    pinyin = build_pinyin(readings_rows, order, args.cap)
    t2s = build_t2s(variant_rows)
    os.makedirs(args.out, exist_ok=True)

    header = [
        f"# Derived from Unihan {version} (Unicode Character Database) by tools/text-tables/generate.py.",
        "# Modified data: see LICENSE-Unihan.txt in this folder. Do not edit by hand; regenerate.",
    ]
    lines = header + [
        f"# fields: {','.join(order)}; at most {args.cap} readings per character; toneless, u-umlaut as v",
        "# format: hex codepoint<TAB>reading[,reading...] (most common first)",
    ]
    lines += [f"{cp:X}\t{','.join(r)}" for cp, r in sorted(pinyin.items())]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(os.path.join(args.out, "pinyin.txt.gz"), "wb") as f:
        # mtime=0 and no file name: the output is byte-for-byte reproducible
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(data)

    lines = header + [
        "# field: kSimplifiedVariant (first target; characters that are their own simplified form are not listed; chains resolved)",
        "# format: traditional<TAB>simplified",
    ]
    lines += [f"{chr(s)}\t{chr(t)}" for s, t in sorted(t2s.items())]
    with open(os.path.join(args.out, "t2s.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")

    print(f"Unihan {version}: pinyin {len(pinyin)} characters "
          f"({sum(len(r) > 1 for r in pinyin.values())} polyphonic), t2s {len(t2s)} pairs -> {args.out}")


if __name__ == "__main__":
    main()
