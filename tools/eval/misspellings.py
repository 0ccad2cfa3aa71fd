#!/usr/bin/env python3
"""Outside judge of the misspelling rule (docs/matching.md, "Misspellings"), written apart from the C# code.

  prefixes COUNTS N          the N most popular prefixes of a vocabulary ('query<TAB>searches', from a build with
                             --misspelling-ratio 0): a prefix weighs the searches of every query that starts with it
  shown COUNTS LISTS R [CATALOG]
                             the share of top-10 lists (from 'eval-matching lists') that show a misspelling whose
                             correct form was searched at least R times as often. With CATALOG (the simulator's own
                             queries, 'simulate --vocabulary'), a shown query outside the catalog is a typo the
                             simulator made, and its correct forms are the catalog queries one simulator edit away
                             (Latin: a letter swapped, dropped, doubled or replaced; hanzi: one replaced or dropped).
                             Without it (a real log), any query within 2 letter edits (1 below 8 letters) with the
                             same digits is a candidate correct form, and the flagged items are printed to judge.
  folded COUNTS_OFF COUNTS_ON [CATALOG]
                             the queries the rule removed (in OFF, not in ON); with CATALOG, those that are catalog
                             queries are real distinct queries wrongly folded.
"""
import re
import sys
from collections import defaultdict


def read_counts(path):
    counts = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            text, _, n = line.rstrip("\n").rpartition("\t")
            if text:
                counts[text] = int(n)
    return counts


def osa(a, b, limit):
    """Optimal string alignment distance, or limit + 1 when it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def is_cjk(c):
    return "\u4e00" <= c <= "\u9fff"


def simulator_edit(typo, correct):
    """One edit of the simulator's typo model (Typos.cs): Latin OSA 1, or one hanzi replaced or dropped."""
    if typo == correct:
        return False
    if len(typo) == len(correct):
        diff = [i for i in range(len(typo)) if typo[i] != correct[i]]
        if len(diff) == 1 and is_cjk(typo[diff[0]]) and is_cjk(correct[diff[0]]):
            return True
    if len(typo) + 1 == len(correct):
        for i, c in enumerate(correct):
            if is_cjk(c) and correct[:i] + correct[i + 1:] == typo:
                return True
    return osa(typo, correct, 1) == 1 and all(not is_cjk(c) for c in typo + correct)


def letters_and_digits(text):
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in re.findall(r"[a-z]+", text.replace("'", ""))]
    return "".join(words), re.findall(r"[0-9]+", text)


def real_log_edit(typo, correct):
    """Within the letter edits, same digits, and no word more or less ("elder scrolls v" is another game)."""
    if typo == correct:
        return False
    words = lambda t: [w for w in re.findall(r"[a-z]+", t.replace("'", ""))]
    if len(words(typo)) != len(words(correct)) and "".join(words(typo)) != "".join(words(correct)):
        return False
    (a, da), (b, db) = letters_and_digits(typo), letters_and_digits(correct)
    if da != db or a == b:
        return False
    return osa(a, b, 2 if len(b) >= 8 else 1) <= (2 if len(b) >= 8 else 1)


def prefixes(counts_path, n):
    weight = defaultdict(int)
    for text, count in read_counts(counts_path).items():
        for end in range(1, min(len(text), 32) + 1):
            if not text[end - 1].isspace():
                weight[text[:end]] += count
    for prefix, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:n]:
        print(prefix)


def shown(counts_path, lists_path, ratio, catalog_path=None):
    counts = read_counts(counts_path)
    catalog = set(open(catalog_path, encoding="utf-8").read().split("\n")) if catalog_path else None
    by_length = defaultdict(list)
    for text in counts:
        by_length[len(text)].append(text)
    lists = flagged = 0
    examples = []
    for line in open(lists_path, encoding="utf-8"):
        prefix, *items = line.rstrip("\n").split("\t")
        lists += 1
        bad = []
        for item in items:
            if catalog is not None and item in catalog:
                continue
            mine = counts.get(item, 1)
            pool = [t for d in (-2, -1, 0, 1, 2) for t in by_length[len(item) + d]]
            edit = simulator_edit if catalog is not None else real_log_edit
            if catalog is not None:
                pool = [t for t in pool if t in catalog]
            best = max((t for t in pool if counts[t] >= ratio * mine and edit(item, t)), key=lambda t: counts[t], default=None)
            if best is not None:
                bad.append(f"{item} ({mine}) < {best} ({counts[best]})")
        if bad:
            flagged += 1
            examples.append(prefix + ": " + "; ".join(bad))
    print(f"lists {lists}, with a misspelling dominated {ratio}x: {flagged} ({100.0 * flagged / max(lists, 1):.2f} %)")
    for e in examples:
        print("  " + e)


def folded(off_path, on_path, catalog_path=None):
    off, on = read_counts(off_path), read_counts(on_path)
    removed = [t for t in off if t not in on]
    print(f"queries {len(off)}, removed as misspellings {len(removed)}")
    if catalog_path:
        catalog = set(open(catalog_path, encoding="utf-8").read().split("\n"))
        real = [t for t in off if t in catalog]
        wrong = [t for t in removed if t in catalog]
        print(f"catalog queries {len(real)}, wrongly folded {len(wrong)} ({100.0 * len(wrong) / max(len(real), 1):.2f} %)")
        for t in wrong:
            print(f"  {t} ({off[t]})")
    else:
        for t in removed:
            print(f"  {t} ({off[t]})")


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "prefixes":
        prefixes(args[0], int(args[1]))
    elif mode == "shown":
        shown(args[0], args[1], float(args[2]), args[3] if len(args) > 3 else None)
    elif mode == "folded":
        folded(*args)
    else:
        sys.exit(__doc__)
