#!/usr/bin/env python3
"""Outside judge of the spacing folds (docs/matching.md, "Spacing variants"), written apart from the C# code.

  shown LISTS              the share of top-10 lists (from 'eval-matching lists') that show two forms of one query
                           differing only by a space, hyphen, dot or underscore (never between two digits), with the
                           pairs found
  pairs OFF ON             the pairs of queries the build folded: the same collapse key in ON ('eval-matching
                           vocabulary --counts --keys' of the index) and different keys in OFF (the same log built with
                           --spacing-fold-agreement 2). One line per pair: a, b, searches of a, searches of b, and
                           'spacing' when the judge's own rule sees the two as spacing variants, else 'other'
  sample PAIRS N SEED      N pairs drawn at random (seeded) from the 'pairs' output, for hand labelling
"""
import random
import re
import sys
from collections import defaultdict

# A space, hyphen, dot or underscore, unless it stands between two digits ("2.5" is not "25", "2060 12g" not "206012g").
SEPARATOR = re.compile(r"(?<![0-9])[\s\-._]+|[\s\-._]+(?![0-9])")


def spaceless(text):
    return SEPARATOR.sub("", text.lower())


def shown(lists_path):
    lists = with_pair = 0
    examples = []
    with open(lists_path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            prefix, items = fields[0], [t for t in fields[1:] if t]
            lists += 1
            by_form = defaultdict(list)
            for item in items:
                by_form[spaceless(item)].append(item)
            pairs = [forms for forms in by_form.values() if len(forms) > 1]
            if pairs:
                with_pair += 1
                examples.append((prefix, pairs))
    share = with_pair / lists if lists else 0.0
    print(f"lists\t{lists}\nwith two spacing variants\t{with_pair}\tshare\t{share:.4f}")
    for prefix, pairs in examples[:40]:
        print(prefix + "\t" + " | ".join(" = ".join(p) for p in pairs))


def read_keys(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            text, count, key = line.rstrip("\n").split("\t")
            rows[text] = (int(count), key)
    return rows


def pairs(off_path, on_path):
    off, on = read_keys(off_path), read_keys(on_path)
    groups = defaultdict(list)
    for text, (_, key) in on.items():
        groups[key].append(text)
    for members in groups.values():
        members.sort(key=lambda t: (-on[t][0], t))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if off[a][1] != off[b][1]:
                    kind = "spacing" if spaceless(a) == spaceless(b) else "other"
                    print(f"{a}\t{b}\t{on[a][0]}\t{on[b][0]}\t{kind}")


def sample(pairs_path, n, seed):
    with open(pairs_path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    random.Random(seed).shuffle(lines)
    for line in sorted(lines[:n]):
        print(line)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "shown":
        shown(args[0])
    elif mode == "pairs":
        pairs(args[0], args[1])
    elif mode == "sample":
        sample(args[0], int(args[1]), int(args[2]))
    else:
        sys.exit(__doc__)
