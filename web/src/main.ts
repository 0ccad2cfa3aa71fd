// QueryRec storefront demo: a search box that talks gRPC-Web to the QueryRec service.
// Suggest on each keystroke (debounced, stale calls aborted), rotating shading words as the placeholder,
// recent searches (each deletable, and a "clear" link) and discovery sections on an empty focused box, related
// queries after a search ("did you mean" or an automatic rewrite from Correct; alternatives on an empty result page),
// click-back queries after an item view, events through ReportEvents, and a debug footer with the index version and experiment arms.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import * as correctionBanner from "./correction";
import {
  CorrectionAction,
  EventSchema,
  EventType,
  QueryRecService,
  Scene,
  SectionKind,
  Stage,
  type Event,
  type RecommendedQuery,
  type ResponseMetadata,
  type Section,
} from "./gen/queryrec/v1/queryrec_pb";

const DEBOUNCE_MS = 100;
const SUGGEST_LIMIT = 8;
const SECTION_LIMIT = 10;
const FLUSH_MS = 1000;
const MAX_BATCH = 500;

const client = createClient(
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

const device = deviceId();

// ---- elements ----
function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

const form = el<HTMLFormElement>("search-form");
const input = el<HTMLInputElement>("q");
const list = el<HTMLUListElement>("suggestions");
const discovery = el<HTMLDivElement>("discovery");
const results = el<HTMLElement>("results");
const itemPanel = el<HTMLElement>("item");
const intro = el<HTMLElement>("intro");
const correction = el<HTMLElement>("correction");
const alternatives = el<HTMLElement>("alternatives");

// ---- debug footer ----
function showMetadata(m: ResponseMetadata | undefined): void {
  if (!m) return;
  el("dbg-index").textContent = m.indexVersion || "–";
  el("dbg-model").textContent = m.modelVersion || "–";
  el("dbg-arms").textContent = m.experimentArms.length
    ? m.experimentArms.map((a) => `${a.layer}=${a.arm}`).join(", ")
    : "none";
  el("dbg-strategy").textContent = m.strategy || "–";
  status(m.degraded ? `degraded: ${m.degradedReasons.join(", ")}` : "");
}

function status(text: string, error = false): void {
  const s = el("dbg-status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

el("dbg-device").textContent = device;

function isAbort(e: unknown): boolean {
  return ConnectError.from(e).code === Code.Canceled;
}

function fail(what: string, e: unknown): void {
  if (isAbort(e)) return;
  status(`${what} failed: ${ConnectError.from(e).message}`, true);
}

// ---- events: queued and sent in batches through ReportEvents ----
let queue: Event[] = [];
let flushTimer: number | undefined;

function report(type: EventType, fields: Partial<Pick<Event, "query" | "prefix" | "itemId" | "categoryId" | "position">>, scene: Scene): void {
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
function flush(): Promise<void> {
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

// ---- shading words: the rotating placeholder ----
let shading: RecommendedQuery[] = [];
let shadingIndex = 0;
let shadingTimer: number | undefined;
let currentShading = "";

let shadingRetries = 0;

async function loadShading(): Promise<void> {
  window.clearTimeout(shadingTimer);
  try {
    const response = await client.getShadingWords({ deviceId: device, stage: Stage.BEFORE_SEARCH, scene: Scene.HOME, limit: 5 });
    showMetadata(response.metadata);
    shading = response.items;
    shadingIndex = 0;
    if (shading.length > 0) shadingRetries = 0;
    else retryShading(); // e.g. a degraded answer from a cold service: ask again soon
    rotateShading(response.rotationIntervalSeconds);
  } catch (e) {
    fail("GetShadingWords", e);
    retryShading();
  }
}

function retryShading(): void {
  const delay = Math.min(1000 * 2 ** shadingRetries++, 60_000);
  shadingTimer = window.setTimeout(() => void loadShading(), delay);
}

function rotateShading(intervalSeconds: number): void {
  if (shading.length === 0) {
    currentShading = "";
    input.placeholder = "Search";
    return;
  }

  window.clearTimeout(shadingTimer);
  currentShading = shading[shadingIndex].text;
  input.placeholder = currentShading;
  report(EventType.SUGGESTION_SHOWN, { query: currentShading, position: shadingIndex }, Scene.HOME);
  if (intervalSeconds <= 0) return; // the service asked for no rotation

  shadingTimer = window.setTimeout(() => {
    shadingIndex++;
    if (shadingIndex >= shading.length) {
      void loadShading(); // the service rotates its pool and applies the exposure cap: ask again
    } else {
      rotateShading(intervalSeconds);
    }
  }, intervalSeconds * 1000);
}

// ---- suggestions: debounced, with stale calls aborted ----
let debounce: number | undefined;
let inflight: AbortController | undefined;
let generation = 0;
let shown: { prefix: string; items: RecommendedQuery[] } = { prefix: "", items: [] };
let active = -1;

function onInput(): void {
  window.clearTimeout(debounce);
  const prefix = input.value;
  if (prefix.trim() === "") {
    inflight?.abort();
    generation++;
    closeSuggestions();
    void showDiscovery();
    return;
  }

  hideDiscovery();
  debounce = window.setTimeout(() => void suggest(prefix), DEBOUNCE_MS);
}

async function suggest(prefix: string): Promise<void> {
  inflight?.abort();
  const controller = new AbortController();
  inflight = controller;
  const mine = ++generation;
  try {
    const response = await client.suggest(
      { deviceId: device, stage: Stage.IN_SEARCH, scene: Scene.HOME, prefix, limit: SUGGEST_LIMIT },
      { signal: controller.signal },
    );
    // A late answer never overwrites a newer one.
    if (mine !== generation || input.value !== prefix) return;
    showMetadata(response.metadata);
    renderSuggestions(prefix, response.items);
  } catch (e) {
    if (mine === generation) fail("Suggest", e);
  }
}

function renderSuggestions(prefix: string, items: RecommendedQuery[]): void {
  shown = { prefix, items };
  active = -1;
  // Which prefix the shown list answers (an earlier keystroke's list can show first), for scripts and tests.
  list.dataset.prefix = prefix;
  list.replaceChildren(
    ...items.map((item, i) => {
      const li = document.createElement("li");
      li.id = `sug-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.query = item.text;
      li.append(highlight(item.text, prefix));
      if (item.categoryHint) {
        const hint = document.createElement("span");
        hint.className = "hint";
        hint.textContent = item.categoryHint;
        li.append(hint);
      }
      // mousedown, not click: it runs before the input loses focus.
      li.addEventListener("mousedown", (ev) => {
        ev.preventDefault();
        pickSuggestion(i);
      });
      return li;
    }),
  );
  const open = items.length > 0;
  list.hidden = !open;
  input.setAttribute("aria-expanded", String(open));
  input.removeAttribute("aria-activedescendant");
}

function highlight(text: string, prefix: string): HTMLElement {
  const span = document.createElement("span");
  const lower = text.toLowerCase();
  const p = prefix.trim().toLowerCase();
  if (p && lower.startsWith(p)) {
    const mark = document.createElement("mark");
    mark.textContent = text.slice(0, p.length);
    span.append(mark, text.slice(p.length));
  } else {
    span.textContent = text;
  }
  return span;
}

function closeSuggestions(): void {
  list.hidden = true;
  active = -1;
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}

function move(delta: number): void {
  const n = shown.items.length;
  if (list.hidden || n === 0) return;
  active = active < 0 ? (delta > 0 ? 0 : n - 1) : (active + delta + n) % n;
  for (const [i, li] of Array.from(list.children).entries()) {
    li.setAttribute("aria-selected", String(i === active));
  }
  input.setAttribute("aria-activedescendant", `sug-${active}`);
}

function pickSuggestion(i: number): void {
  const item = shown.items[i];
  shown.items.forEach((s, position) =>
    report(EventType.SUGGESTION_SHOWN, { query: s.text, prefix: shown.prefix, position }, Scene.HOME),
  );
  report(EventType.SUGGESTION_CLICKED, { query: item.text, prefix: shown.prefix, position: i, categoryId: item.categoryHint }, Scene.HOME);
  runSearch(item.text, item.categoryHint, false);
}

// ---- discovery: before search (recent searches, personal, hot) ----
let discoveryLoaded: Promise<void> | undefined;

function showDiscovery(): Promise<void> {
  discovery.hidden = false;
  discoveryLoaded ??= loadDiscovery().finally(() => {
    // Reload on the next focus so hot lists and personal picks stay fresh.
    window.setTimeout(() => (discoveryLoaded = undefined), 10_000);
  });
  return discoveryLoaded;
}

function hideDiscovery(): void {
  discovery.hidden = true;
}

async function loadDiscovery(): Promise<void> {
  try {
    await flush(); // the searches just made first, so that they are among the recent ones
    const response = await client.discover({
      deviceId: device,
      stage: Stage.BEFORE_SEARCH,
      scene: Scene.HOME,
      limit: SECTION_LIMIT,
      sections: [SectionKind.HISTORY, SectionKind.PERSONAL, SectionKind.HOT],
    });
    showMetadata(response.metadata);
    renderSections(discovery, response.sections, Scene.HOME);
    if (response.metadata?.degraded) discoveryLoaded = undefined; // a partial answer: ask again on the next focus
  } catch (e) {
    fail("Discover", e);
    discoveryLoaded = undefined;
  }
}

const sectionTitles: Record<number, string> = {
  [SectionKind.HISTORY]: "Recent searches",
  [SectionKind.PERSONAL]: "Guess you want",
  [SectionKind.HOT]: "Hot searches",
  [SectionKind.RELATED]: "Related searches",
  [SectionKind.REFINE]: "Narrow it down",
  [SectionKind.CLICK_BACK]: "People who viewed this searched",
  [SectionKind.ALTERNATIVES]: "No results. Try instead",
};

function renderSections(target: HTMLElement, sections: Section[], scene: Scene): void {
  target.replaceChildren(
    ...sections.flatMap((section) => {
      if (section.kind === SectionKind.HISTORY) return section.items.length ? [renderHistory(section, scene)] : [];
      const wrap = document.createElement("section");
      wrap.className = `section section-${SectionKind[section.kind].toLowerCase().replace(/_/g, "-")}`;
      wrap.dataset.kind = SectionKind[section.kind];
      const h = document.createElement("h3");
      h.textContent = sectionTitles[section.kind] ?? section.title;
      wrap.append(h);
      if (section.items.length === 0) {
        const p = document.createElement("p");
        p.className = "empty";
        p.textContent = "Nothing yet.";
        wrap.append(p);
        return wrap;
      }

      const ul = document.createElement("ul");
      ul.className = "chips";
      section.items.forEach((item, position) => {
        const li = document.createElement("li");
        const b = searchChip(item, position, scene);
        if (section.kind === SectionKind.HOT) {
          const rank = document.createElement("span");
          rank.className = "rank";
          rank.textContent = String(position + 1);
          b.prepend(rank);
        }
        li.append(b);
        ul.append(li);
      });
      wrap.append(ul);
      return wrap;
    }),
  );
}

function searchChip(item: RecommendedQuery, position: number, scene: Scene): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.append(item.text);
  b.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep the box's focus state stable
  b.addEventListener("click", () => {
    report(EventType.SUGGESTION_SHOWN, { query: item.text, position }, scene);
    report(EventType.SUGGESTION_CLICKED, { query: item.text, position, categoryId: item.categoryHint }, scene);
    runSearch(item.text, item.categoryHint, false);
  });
  return b;
}

// The device's own searches, newest first: each can be deleted, and "Clear" deletes them all (DeleteHistory).
function renderHistory(section: Section, scene: Scene): HTMLElement {
  const wrap = document.createElement("section");
  wrap.className = "section section-history";
  wrap.dataset.kind = SectionKind[section.kind];
  const head = document.createElement("div");
  head.className = "section-head";
  const h = document.createElement("h3");
  h.textContent = sectionTitles[section.kind];
  const clear = document.createElement("button");
  clear.type = "button";
  clear.className = "link clear-history";
  clear.textContent = "Clear";
  clear.setAttribute("aria-label", "Clear recent searches");
  clear.addEventListener("mousedown", (ev) => ev.preventDefault());
  clear.addEventListener("click", () => void deleteHistory(wrap, null));
  head.append(h, clear);
  const ul = document.createElement("ul");
  ul.className = "chips";
  section.items.forEach((item, position) => {
    const li = document.createElement("li");
    li.className = "history-entry";
    li.dataset.query = item.text;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "×";
    remove.setAttribute("aria-label", `Delete “${item.text}” from recent searches`);
    remove.addEventListener("mousedown", (ev) => ev.preventDefault());
    remove.addEventListener("click", () => void deleteHistory(wrap, li));
    li.append(searchChip(item, position, scene), remove);
    ul.append(li);
  });
  wrap.append(head, ul);
  return wrap;
}

// Deletes one entry (its list item) or, with null, the whole history; the focus stays in the panel.
async function deleteHistory(section: HTMLElement, entry: HTMLElement | null): Promise<void> {
  try {
    await flush(); // a search still queued would come back after the delete
    const response = await client.deleteHistory(
      entry ? { deviceId: device, query: entry.dataset.query ?? "" } : { deviceId: device, all: true },
    );
    showMetadata(response.metadata);
    discoveryLoaded = undefined; // what was loaded still lists it
    // The focus moves before the removal: a focused element that leaves the page takes the focus out of the form.
    const next = entry?.nextElementSibling ?? entry?.previousElementSibling;
    if (!next) {
      input.focus();
      section.remove();
    } else {
      next.querySelector<HTMLButtonElement>("button.remove")?.focus();
      entry?.remove();
    }
  } catch (e) {
    fail("DeleteHistory", e);
  }
}

// ---- search results, related queries, item view and click-back ----
function fakeItems(query: string, category: string): { id: string; title: string }[] {
  // The demo has no catalogue service: items are made up from the query. With a category hint the ids follow
  // the demo simulator's scheme (sku-<category>-<n>), so click-back can find queries for them.
  let h = 0;
  for (const c of query) h = (h * 31 + c.codePointAt(0)!) >>> 0;
  return Array.from({ length: 4 }, (_, i) => {
    const n = ((h + i * 7) % 40) + 1;
    return {
      id: category ? `sku-${category}-${String(n).padStart(4, "0")}` : `demo-${h.toString(36)}-${i + 1}`,
      title: `${query} · item ${i + 1}`,
    };
  });
}

/**
 * How a search is shown: as typed (the service may correct it), as the service's rewrite of `from`, or `exact`: the
 * query as typed after "search instead", which the demo's made-up catalogue treats as finding nothing.
 */
type SearchMode = { kind: "typed" } | { kind: "rewritten"; from: string } | { kind: "exact" };

function runSearch(query: string, category: string, reportSearch: boolean, mode: SearchMode = { kind: "typed" }): void {
  window.clearTimeout(debounce);
  inflight?.abort();
  generation++;
  input.value = query;
  closeSuggestions();
  hideDiscovery();
  input.blur();
  discoveryLoaded = undefined; // the next focus shows this search among the recent ones
  if (reportSearch) report(EventType.SEARCH_SUBMITTED, { query, categoryId: category }, Scene.HOME);

  intro.hidden = true;
  itemPanel.hidden = true;
  results.hidden = false;
  correctionBanner.clear(correction);
  alternatives.replaceChildren();
  const links = {
    searchCorrection: (text: string) => runSearch(text, "", true),
    searchAsTyped: (typed: string) => runSearch(typed, category, true, { kind: "exact" }),
  };
  if (mode.kind === "rewritten") correctionBanner.renderRewrite(correction, query, mode.from, links);
  const empty = mode.kind === "exact";
  el("results-title").textContent = empty ? `No results for “${query}”` : `Results for “${query}”`;
  const items = el<HTMLUListElement>("items");
  items.replaceChildren(
    ...(empty ? [] : fakeItems(query, category)).map((item, position) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "result";
      b.dataset.itemId = item.id;
      const thumb = document.createElement("div");
      thumb.className = "thumb";
      const title = document.createElement("div");
      title.textContent = item.title;
      const sku = document.createElement("div");
      sku.className = "sku";
      sku.textContent = item.id;
      b.append(thumb, title, sku);
      b.addEventListener("click", () => viewItem(query, category, item, position));
      li.append(b);
      return li;
    }),
  );
  if (empty) {
    el("related").replaceChildren();
    void loadAlternatives(query);
    return;
  }

  void loadRelated(query);
  if (mode.kind === "typed") void checkCorrection(query, category, links);
}

// Correct: an automatic rewrite searches the correction (the demo's catalogue finds nothing for the typed query);
// an offer keeps the results and adds "did you mean".
async function checkCorrection(query: string, category: string, links: correctionBanner.CorrectionLinks): Promise<void> {
  try {
    const response = await client.correct({ deviceId: device, stage: Stage.BROWSING, scene: Scene.SEARCH_RESULT, query });
    if (input.value !== query || !response.correction) return; // another search started meanwhile, or nothing to correct
    if (response.correction.action === CorrectionAction.REWRITE) {
      runSearch(response.correction.text, category, false, { kind: "rewritten", from: query });
    } else {
      correctionBanner.renderOffer(correction, response.correction, links);
    }
  } catch (e) {
    fail("Correct", e);
  }
}

// The empty result page: the ALTERNATIVES section of a search that found nothing.
async function loadAlternatives(query: string): Promise<void> {
  try {
    const response = await client.discover({
      deviceId: device,
      stage: Stage.BROWSING,
      scene: Scene.SEARCH_RESULT,
      context: { query },
      resultCount: 0,
      limit: SECTION_LIMIT,
      sections: [SectionKind.ALTERNATIVES],
    });
    if (input.value !== query) return;
    showMetadata(response.metadata);
    renderSections(alternatives, response.sections, Scene.SEARCH_RESULT);
  } catch (e) {
    fail("Discover", e);
  }
}

async function loadRelated(query: string): Promise<void> {
  const target = el("related");
  target.replaceChildren();
  try {
    const response = await client.discover({
      deviceId: device,
      stage: Stage.BROWSING,
      scene: Scene.SEARCH_RESULT,
      context: { query },
      limit: SECTION_LIMIT,
      sections: [SectionKind.RELATED, SectionKind.REFINE],
    });
    if (input.value !== query) return; // another search started meanwhile
    showMetadata(response.metadata);
    renderSections(target, response.sections, Scene.SEARCH_RESULT);
  } catch (e) {
    fail("Discover", e);
  }
}

function viewItem(query: string, category: string, item: { id: string; title: string }, position: number): void {
  report(EventType.ITEM_CLICKED, { query, itemId: item.id, categoryId: category, position }, Scene.SEARCH_RESULT);
  report(EventType.ITEM_VIEWED, { itemId: item.id, categoryId: category }, Scene.ITEM);
  itemPanel.hidden = false;
  el("item-title").textContent = item.title;
  el("item-body").textContent = `Item ${item.id}${category ? ` in category ${category}` : ""}. (A demo page: there is no catalogue behind it.)`;
  void loadClickBack(item.id);
  itemPanel.scrollIntoView({ block: "nearest" });
}

async function loadClickBack(itemId: string): Promise<void> {
  const target = el("click-back");
  target.replaceChildren();
  try {
    await flush(); // the view first, so the service knows it
    const response = await client.discover({
      deviceId: device,
      stage: Stage.BROWSING,
      scene: Scene.ITEM,
      context: { itemId },
      limit: SECTION_LIMIT,
      sections: [SectionKind.CLICK_BACK],
    });
    showMetadata(response.metadata);
    renderSections(target, response.sections, Scene.ITEM);
  } catch (e) {
    fail("Discover", e);
  }
}

// ---- wiring ----
input.addEventListener("input", onInput);
input.addEventListener("focus", (ev) => {
  // Coming back from a chip (ArrowUp, Escape) keeps the panel as it is; a focus from outside opens it.
  if (input.value.trim() === "" && !(ev.relatedTarget instanceof Node && discovery.contains(ev.relatedTarget))) void showDiscovery();
});
// The discovery panel stays open while the focus is anywhere in the search form, so its chips can be reached by
// keyboard (Tab, or ArrowDown from an empty box); it closes when the focus leaves the form.
function focusLeavesForm(ev: FocusEvent): boolean {
  return !(ev.relatedTarget instanceof Node && form.contains(ev.relatedTarget));
}
input.addEventListener("blur", (ev) => {
  closeSuggestions();
  if (focusLeavesForm(ev)) hideDiscovery();
});
form.addEventListener("focusout", (ev) => {
  if (ev.target !== input && focusLeavesForm(ev)) hideDiscovery();
});

// Every control of the panel in reading order: "Clear", each recent search and its delete button, the chips.
function discoveryChips(): HTMLButtonElement[] {
  return Array.from(discovery.querySelectorAll<HTMLButtonElement>("button"));
}

// Arrow keys move between the controls in reading order; Escape closes the panel and returns to the box.
discovery.addEventListener("keydown", (ev) => {
  const chips = discoveryChips();
  const at = chips.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0) return;
  switch (ev.key) {
    case "ArrowDown":
    case "ArrowRight":
      ev.preventDefault();
      chips[Math.min(at + 1, chips.length - 1)].focus();
      break;
    case "ArrowUp":
    case "ArrowLeft":
      ev.preventDefault();
      if (at === 0) input.focus();
      else chips[at - 1].focus();
      break;
    case "Escape":
      ev.preventDefault();
      hideDiscovery();
      input.focus();
      break;
  }
});
input.addEventListener("keydown", (ev) => {
  switch (ev.key) {
    case "ArrowDown":
      ev.preventDefault();
      if (list.hidden && !discovery.hidden) discoveryChips()[0]?.focus();
      else move(1);
      break;
    case "ArrowUp":
      ev.preventDefault();
      move(-1);
      break;
    case "Escape":
      if (!list.hidden || !discovery.hidden) {
        ev.preventDefault();
        closeSuggestions();
        hideDiscovery();
      }
      break;
    case "Enter":
      if (active >= 0 && !list.hidden) {
        ev.preventDefault();
        pickSuggestion(active);
      }
      break;
  }
});
form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const typed = input.value.trim();
  if (typed) {
    const match = shown.items.find((s) => s.text === typed);
    runSearch(typed, match?.categoryHint ?? "", true);
  } else if (currentShading) {
    // An empty box searches the shading word it shows.
    report(EventType.SUGGESTION_CLICKED, { query: currentShading, position: shadingIndex }, Scene.HOME);
    runSearch(currentShading, "", false);
  }
});

void loadShading();
