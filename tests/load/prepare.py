#!/usr/bin/env python3
"""Builds the load-test request bodies.

  prepare.py prefixes EVENTS.jsonl OUT.txt N SEED   -> N keystroke prefixes replayed from the log's searches, one a line
  prepare.py prefixes-list LIST.tsv OUT.txt N SEED -> N keystroke prefixes of queries drawn from a 'query<TAB>count' list
                                                       (simulate --vocabulary), each query with probability count / total
  prepare.py textproto PREFIXES.txt OUT.txtpb       -> a queryrec.load.SuggestBatch in protobuf text format
  prepare.py frame BATCH.bin PREFIXES.txt OUTDIR                -> OUTDIR/suggest.frames (every request, gRPC-framed, concatenated)
                                                       and OUTDIR/bodies/NNNNN.bin (one framed body per distinct prefix)
"""
import json
import os
import random
import struct
import sys


def prefixes(events_path, out_path, n, seed):
    """Replays the log's search events in order; each search is typed as a user would, and one keystroke prefix
    of it (1..min(len, 16) characters, uniform) is the request. Repeats stay (popular queries are typed more)."""
    rng = random.Random(seed)
    out = []
    with open(events_path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if e.get("type") != "search":
                continue
            q = (e.get("query") or "").strip()
            if not q:
                continue
            k = rng.randint(1, min(len(q), 16))
            p = q[:k].strip()
            if p:
                out.append(p)
            if len(out) >= n:
                break
    with open(out_path, "w", encoding="utf-8") as f:
        for p in out:
            f.write(p.replace("\n", " ") + "\n")
    print(f"{len(out)} requests, {len(set(out))} distinct prefixes", file=sys.stderr)


def prefixes_list(list_path, out_path, n, seed):
    """Draws N queries from a 'query<TAB>count' list with probability proportional to the count (the list's Zipf
    popularity), and types one keystroke prefix of each (1..min(len, 16) characters, uniform), as prefixes() does."""
    rng = random.Random(seed)
    queries, weights = [], []
    with open(list_path, encoding="utf-8") as f:
        for line in f:
            q, _, c = line.rstrip("\n").partition("\t")
            if q.strip():
                queries.append(q)
                weights.append(int(c) if c.isdigit() else 1)
    drawn = rng.choices(queries, weights=weights, k=n)
    out = []
    for q in drawn:
        p = q[:rng.randint(1, min(len(q), 16))].strip()
        if p:
            out.append(p)
    with open(out_path, "w", encoding="utf-8") as f:
        for p in out:
            f.write(p.replace("\n", " ") + "\n")
    print(f"{len(out)} requests, {len(set(out))} distinct prefixes, from {len(queries)} queries", file=sys.stderr)


def textproto(prefixes_path, out_path):
    with open(prefixes_path, encoding="utf-8") as f, open(out_path, "w", encoding="utf-8") as o:
        for i, line in enumerate(f):
            p = "".join(c if c >= " " else " " for c in line.rstrip("\n"))  # no control characters
            esc = json.dumps(p, ensure_ascii=False)  # a double-quoted string with \" and \\ escaped
            o.write(f'requests {{ prefix: {esc} limit: 10 device_id: "load-{i % 997}" }}\n')


def read_varint(b, i):
    shift = 0
    v = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        if c < 0x80:
            return v, i
        shift += 7


def frame(batch_path, prefixes_path, out_dir):
    b = open(batch_path, "rb").read()
    msgs = []
    i = 0
    while i < len(b):
        tag, i = read_varint(b, i)
        if tag != 0x0A:
            raise SystemExit(f"unexpected tag {tag} at {i} in {batch_path}")
        n, i = read_varint(b, i)
        msgs.append(b[i:i + n])
        i += n
    os.makedirs(os.path.join(out_dir, "bodies"), exist_ok=True)
    with open(os.path.join(out_dir, "suggest.frames"), "wb") as f:
        for m in msgs:
            f.write(b"\x00" + struct.pack(">I", len(m)) + m)
    first = {}  # one body per distinct prefix (its first request), for the h2load runs
    for m, p in zip(msgs, open(prefixes_path, encoding="utf-8").read().splitlines()):
        first.setdefault(p, m)
    for j, m in enumerate(first.values()):
        with open(os.path.join(out_dir, "bodies", f"{j:05d}.bin"), "wb") as f:
            f.write(b"\x00" + struct.pack(">I", len(m)) + m)
    print(f"{len(msgs)} framed requests, {len(first)} distinct prefixes", file=sys.stderr)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prefixes":
        prefixes(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "prefixes-list":
        prefixes_list(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "textproto":
        textproto(sys.argv[2], sys.argv[3])
    elif cmd == "frame":
        frame(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)
