// The storefront's session with the service: the gRPC-Web client, the anonymous device id, the debug footer (status,
// failures, response metadata) and the event queue that ReportEvents sends in batches.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import {
  EventSchema,
  QueryRecService,
  type Event,
  type EventType,
  type ResponseMetadata,
  type Scene,
} from "./gen/queryrec/v1/queryrec_pb";

const FLUSH_MS = 1000;
const MAX_BATCH = 500;

export const client = createClient(
  QueryRecService,
  createGrpcWebTransport({ baseUrl: new URL(".", location.href).href.replace(/\/$/, ""), useBinaryFormat: true }),
);

// ---- identity: a stable anonymous device id ----
function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes); // works outside secure contexts too, unlike crypto.randomUUID
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function deviceId(): string {
  const key = "queryrec.deviceId";
  try {
    let id = localStorage.getItem(key);
    if (!id || id.length > 128) {
      id = "web-" + randomId();
      localStorage.setItem(key, id);
    }
    return id;
  } catch {
    return "web-" + randomId(); // storage disabled: one id per page load
  }
}

export const device = deviceId();

// ---- elements ----
export function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

// ---- debug footer ----
export function showMetadata(m: ResponseMetadata | undefined): void {
  if (!m) return;
  el("dbg-index").textContent = m.indexVersion || "–";
  el("dbg-model").textContent = m.modelVersion || "–";
  el("dbg-arms").textContent = m.experimentArms.length
    ? m.experimentArms.map((a) => `${a.layer}=${a.arm}`).join(", ")
    : "none";
  el("dbg-strategy").textContent = m.strategy || "–";
  status(m.degraded ? `degraded: ${m.degradedReasons.join(", ")}` : "");
}

export function status(text: string, error = false): void {
  const s = el("dbg-status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

el("dbg-device").textContent = device;

export function isAbort(e: unknown): boolean {
  return ConnectError.from(e).code === Code.Canceled;
}

export function fail(what: string, e: unknown): void {
  if (isAbort(e)) return;
  status(`${what} failed: ${ConnectError.from(e).message}`, true);
}

// ---- events: queued and sent in batches through ReportEvents ----
let queue: Event[] = [];
let flushTimer: number | undefined;

export function report(type: EventType, fields: Partial<Pick<Event, "query" | "prefix" | "itemId" | "categoryId" | "position">>, scene: Scene): void {
  queue.push(
    create(EventSchema, {
      eventId: randomId(),
      type,
      time: timestampFromDate(new Date()),
      deviceId: device,
      scene,
      ...fields,
    }),
  );
  if (queue.length >= MAX_BATCH) void flush();
  else flushTimer ??= window.setTimeout(() => void flush(), FLUSH_MS);
}

let sending: Promise<void> = Promise.resolve();

// Resolves once every event queued so far has been answered, in order: a flush that finds the queue empty still
// waits for the batch already on its way, so a history read right after a search sees that search.
export function flush(): Promise<void> {
  window.clearTimeout(flushTimer);
  flushTimer = undefined;
  const events = queue;
  queue = [];
  sending = sending.then(() => (events.length > 0 ? send(events) : undefined));
  return sending;
}

async function send(events: Event[]): Promise<void> {
  try {
    const response = await client.reportEvents({ events });
    el("debug").dataset.eventsAccepted = String(Number(el("debug").dataset.eventsAccepted ?? 0) + response.accepted);
    if (response.rejected.length) {
      status(`events rejected: ${response.rejected.map((r) => `${r.field}: ${r.reason}`).join("; ")}`, true);
    }
  } catch (e) {
    fail("ReportEvents", e);
  }
}

addEventListener("pagehide", () => void flush());
