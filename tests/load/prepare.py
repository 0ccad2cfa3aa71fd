#!/usr/bin/env python3
"""Builds the load-test request bodies.

  prepare.py prefixes EVENTS.jsonl OUT.txt N SEED   -> N keystroke prefixes replayed from the log's searches, one a line
  prepare.py prefixes-list LIST.tsv OUT.txt N SEED -> N keystroke prefixes of queries drawn from a 'query<TAB>count' list
                                                       (simulate --vocabulary), each query with probability count / total
  prepare.py textproto PREFIXES.txt OUT.txtpb       -> a queryrec.load.SuggestBatch in protobuf text format
  prepare.py frame BATCH.bin PREFIXES.txt OUTDIR                -> OUTDIR/suggest.frames (every request, gRPC-framed, concatenated)
                                                       and OUTDIR/bodies/NNNNN.bin (one framed body per distinct prefix)
  prepare.py queries EVENTS.jsonl OUT.txt N       -> the log's first N searched queries, one a line
  prepare.py case-textproto CASE LINES.txt OUT.txtpb NOW USERS
                                                    -> the batch of one load case (CASES: its message and line meaning),
                                                       one request a line of LINES (prefixes or queries); NOW (Unix
                                                       seconds) stamps reported events; USERS signed-in load users
  prepare.py case-frame BATCH.bin OUTDIR CASE       -> OUTDIR/CASE.frames and OUTDIR/bodies-CASE/NNNNN.bin (one per
                                                       distinct request body)
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


def queries(events_path, out_path, n):
    """The log's first N searched queries, in order, one a line (the context of browsing and the reported searches)."""
    out = []
    with open(events_path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            q = (e.get("query") or "").strip() if e.get("type") == "search" else ""
            if q:
                out.append(q.replace("\n", " "))
            if len(out) >= n:
                break
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("".join(q + "\n" for q in out))


def textproto(prefixes_path, out_path):
    with open(prefixes_path, encoding="utf-8") as f, open(out_path, "w", encoding="utf-8") as o:
        for i, line in enumerate(f):
            p = "".join(c if c >= " " else " " for c in line.rstrip("\n"))  # no control characters
            esc = json.dumps(p, ensure_ascii=False)  # a double-quoted string with \" and \\ escaped
            o.write(f'requests {{ prefix: {esc} limit: 10 device_id: "load-{i % 997}" }}\n')


# Each case of run.sh: the batch message that protoc encodes, and how one line becomes one request. Signed-in cases
# spread over USERS load users whose history run.sh reports first (the "history" case), so they are personal (never
# cached); anonymous Suggest spreads over 997 devices without history, as before.
CASES = {
    "suggest": ("SuggestBatch", lambda i, q, n, u: f'prefix: {q} limit: 10 device_id: "load-{i % 997}"'),
    "suggest-personal": ("SuggestBatch", lambda i, q, n, u: f'prefix: {q} limit: 10 user_id: "load-user-{i % u}"'),
    "discover-before": ("DiscoverBatch", lambda i, q, n, u: f'user_id: "load-user-{i % u}" stage: STAGE_BEFORE_SEARCH scene: SCENE_HOME limit: 10'),
    "discover-browsing": ("DiscoverBatch", lambda i, q, n, u: f'user_id: "load-user-{i % u}" stage: STAGE_BROWSING scene: SCENE_SEARCH_RESULT context {{ query: {q} }} limit: 10'),
    "shading": ("ShadingBatch", lambda i, q, n, u: f'user_id: "load-user-{i % u}" stage: STAGE_BEFORE_SEARCH scene: SCENE_HOME limit: 5'),
    # 20 searches of one load user, distinct event ids (a body sent again is answered as duplicates).
    "report": ("ReportBatch", lambda i, q, n, u: " ".join(
        f'events {{ event_id: "load-{i}-{j}" type: EVENT_TYPE_SEARCH_SUBMITTED time {{ seconds: {n} }} user_id: "load-user-{i % u}" query: {q} }}'
        for j in range(20))),
    # The setup of the signed-in cases: 10 searches of each load user (line i → user i).
    "history": ("ReportBatch", lambda i, q, n, u: " ".join(
        f'events {{ event_id: "load-history-{i}-{j}" type: EVENT_TYPE_SEARCH_SUBMITTED time {{ seconds: {n - 60 + j} }} user_id: "load-user-{i}" query: {q} }}'
        for j in range(10))),
}


def case_textproto(case, lines_path, out_path, now, users):
    _, make = CASES[case]
    with open(lines_path, encoding="utf-8") as f, open(out_path, "w", encoding="utf-8") as o:
        for i, line in enumerate(f):
            text = "".join(c if c >= " " else " " for c in line.rstrip("\n"))
            o.write("requests { " + make(i, json.dumps(text, ensure_ascii=False), now, users) + " }\n")


def case_frame(batch_path, out_dir, case):
    msgs = split_batch(batch_path)
    bodies = os.path.join(out_dir, f"bodies-{case}")
    os.makedirs(bodies, exist_ok=True)
    for old in os.listdir(bodies):
        os.remove(os.path.join(bodies, old))
    with open(os.path.join(out_dir, f"{case}.frames"), "wb") as f:
        for m in msgs:
            f.write(b"\x00" + struct.pack(">I", len(m)) + m)
    for j, m in enumerate(dict.fromkeys(msgs)):
        with open(os.path.join(bodies, f"{j:05d}.bin"), "wb") as f:
            f.write(b"\x00" + struct.pack(">I", len(m)) + m)
    print(f"{case}: {len(msgs)} framed requests, {len(set(msgs))} distinct bodies", file=sys.stderr)


def split_batch(batch_path):
    """The field-1 messages of an encoded batch, in order."""
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
    return msgs


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
    msgs = split_batch(batch_path)
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
    elif cmd == "queries":
        queries(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "case-textproto":
        case_textproto(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif cmd == "case-frame":
        case_frame(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)
