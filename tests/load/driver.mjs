// Closed- or open-loop gRPC load over HTTP/2 cleartext with Node's built-in http2 (no npm packages), sending a
// different pre-framed body per request (round-robin over a file of concatenated gRPC frames), and reading every
// response's grpc-status trailer. Used by run.sh for the distinct-prefix mode and for the grpc-status check.
//
//   node driver.mjs --url http://127.0.0.1:PORT --path /queryrec.v1.QueryRecService/Suggest --frames FILE
//        [--concurrency 32] [--connections 4] [--duration 10] [--rps 0] [--requests 0] [--expect-items [--max-empty 0.05]]
//
// Prints one JSON line: requests, rps, p50_ms, p99_ms, status counts, empty answers (and the indexes of the first
// bodies answered with no item). Exits 1 when any response has a grpc-status other than 0, or, with --expect-items,
// when more than --max-empty (a fraction, default 0) of the SuggestResponses have no item.
import http2 from "node:http2";
import fs from "node:fs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : "true"]);
    return acc;
  }, []));
const url = args.url;
const path = args.path;
const concurrency = Number(args.concurrency ?? 32);
const connections = Number(args.connections ?? 4);
const duration = Number(args.duration ?? 10) * 1000;
const rps = Number(args.rps ?? 0);
const maxRequests = Number(args.requests ?? 0);
const expectItems = args["expect-items"] === "true";
// With --expect-items, the share of answers allowed to have no item (a replayed prefix can be a typo nothing matches).
const maxEmpty = Number(args["max-empty"] ?? 0);

// Split the frames file into bodies (each: 1 flag byte, 4-byte big-endian length, message).
const raw = fs.readFileSync(args.frames);
const bodies = [];
for (let i = 0; i < raw.length;) {
  const n = raw.readUInt32BE(i + 1);
  bodies.push(raw.subarray(i, i + 5 + n));
  i += 5 + n;
}
if (bodies.length === 0) throw new Error(`no frames in ${args.frames}`);

// True when a SuggestResponse message has at least one `items` (field 1) entry at the top level.
function hasItems(msg) {
  let i = 0;
  const varint = () => {
    let v = 0, s = 0, c;
    do { c = msg[i++]; v += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80);
    return v;
  };
  while (i < msg.length) {
    const tag = varint();
    const field = Math.floor(tag / 8), wire = tag & 7;
    if (field === 1 && wire === 2) return true;
    if (wire === 0) varint();
    else if (wire === 2) i += varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else return false;
  }
  return false;
}

let sessionError = null;
const sessions = Array.from({ length: connections }, () => {
  const s = http2.connect(url);
  s.on("error", (e) => { sessionError = e.message; });
  return s;
});
const latencies = [];
const statuses = new Map();
const emptyBodies = [];
let empty = 0, sent = 0, done = 0, next = 0, failures = 0;
const start = performance.now();
const cpu0 = process.cpuUsage();
const deadline = start + duration;

function one(slot) {
  const index = next++ % bodies.length;
  const body = bodies[index];
  sent++;
  const t0 = performance.now();
  let req;
  try {
    req = sessions[slot % connections].request({
      ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers",
    });
  } catch (e) { // the connection is gone (refused or reset): count it and stop this slot
    failures++;
    sessionError ??= e.message;
    endSlot();
    return;
  }
  const chunks = [];
  let status = null;
  req.on("response", (h) => { if (h["grpc-status"] !== undefined) status = h["grpc-status"]; }); // trailers-only
  req.on("trailers", (h) => { status = h["grpc-status"]; });
  req.on("data", (c) => chunks.push(c));
  req.on("error", () => { failures++; });
  req.on("close", () => {
    latencies.push(performance.now() - t0);
    done++;
    const key = String(status ?? "none");
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    if (expectItems && status === "0") {
      const buf = Buffer.concat(chunks);
      if (buf.length < 5 || !hasItems(buf.subarray(5, 5 + buf.readUInt32BE(1)))) {
        empty++;
        if (emptyBodies.length < 20) emptyBodies.push(index);
      }
    }
    schedule(slot);
  });
  req.end(body);
}

// Closed loop: each slot sends again when its call ends. Open loop (--rps): slots wait for their tick (a slot whose
// call outlasts its tick sends at the next one). A slot ends at the deadline; the run ends when every slot has.
const interval = rps > 0 ? concurrency * 1000 / rps : 0;
let ended = 0;
function endSlot() {
  if (++ended === concurrency) finish();
}
function over() {
  return performance.now() >= deadline || (maxRequests > 0 && sent >= maxRequests);
}
function schedule(slot) {
  if (over()) {
    endSlot();
    return;
  }
  if (interval > 0) {
    const now = performance.now();
    const due = start + slot * interval / concurrency + Math.ceil((now - start) / interval) * interval;
    setTimeout(() => (over() ? endSlot() : one(slot)), Math.max(0, due - now));
  } else {
    one(slot);
  }
}

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
  const bad = [...statuses.entries()].filter(([k]) => k !== "0").reduce((s, [, v]) => s + v, 0) + failures;
  console.log(JSON.stringify({
    path, requests: done, distinct_bodies: bodies.length, seconds: +elapsed.toFixed(2),
    rps: +(done / elapsed).toFixed(0), p50_ms: +q(0.5).toFixed(3), p99_ms: +q(0.99).toFixed(3),
    statuses: Object.fromEntries(statuses), failures, session_error: sessionError ?? undefined,
    client_cpu_ms_per_request: +((cpu.user + cpu.system) / 1000 / Math.max(1, done)).toFixed(3), empty_answers: expectItems ? empty : undefined,
    empty_body_indexes: expectItems ? emptyBodies : undefined,
  }));
  sessions.forEach((s) => s.close());
  process.exitCode = bad > 0 || empty > maxEmpty * done ? 1 : 0;
}

for (let s = 0; s < concurrency; s++) schedule(s);
