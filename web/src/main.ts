// QueryRec storefront demo: a search box that talks gRPC-Web to the QueryRec service.
// Suggest on each keystroke (debounced, stale calls aborted), rotating shading words as the placeholder,
// recent searches (each deletable, and a "clear" link) and discovery sections on an empty focused box, related
// queries after a search ("did you mean" or an automatic rewrite from Correct; alternatives on an empty result page),
// click-back queries after an item view, events through ReportEvents, and a debug footer with the index version and experiment arms.
import * as correctionBanner from "./correction";
import * as dropdown from "./dropdown";
import * as sections from "./sections";
import { client, device, el, fail, flush, report, showMetadata } from "./session";
import * as shading from "./shading";
import { CorrectionAction, EventType, Scene, SectionKind, Stage, type RecommendedQuery } from "./gen/queryrec/v1/queryrec_pb";

const DEBOUNCE_MS = 100;
const SUGGEST_LIMIT = 8;
const SECTION_LIMIT = 10;

const form = el<HTMLFormElement>("search-form");
const input = el<HTMLInputElement>("q");
const list = el<HTMLUListElement>("suggestions");
const discovery = el<HTMLDivElement>("discovery");
const results = el<HTMLElement>("results");
const itemPanel = el<HTMLElement>("item");
const intro = el<HTMLElement>("intro");
const correction = el<HTMLElement>("correction");
const alternatives = el<HTMLElement>("alternatives");

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
  list.replaceChildren(...dropdown.options(items, prefix, pickSuggestion));
  const open = items.length > 0;
  list.hidden = !open;
  input.setAttribute("aria-expanded", String(open));
  input.removeAttribute("aria-activedescendant");
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
    sections.render(discovery, response.sections, Scene.HOME, sectionActions);
    if (response.metadata?.degraded) discoveryLoaded = undefined; // a partial answer: ask again on the next focus
  } catch (e) {
    fail("Discover", e);
    discoveryLoaded = undefined;
  }
}

// What a chip of a section does: report it shown and clicked, then search it.
const sectionActions: sections.SectionActions = {
  chipClicked(item, position, scene) {
    report(EventType.SUGGESTION_SHOWN, { query: item.text, position }, scene);
    report(EventType.SUGGESTION_CLICKED, { query: item.text, position, categoryId: item.categoryHint }, scene);
    runSearch(item.text, item.categoryHint, false);
  },
  deleteHistory: (section, entry) => void deleteHistory(section, entry),
};

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
    sections.render(alternatives, response.sections, Scene.SEARCH_RESULT, sectionActions);
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
    sections.render(target, response.sections, Scene.SEARCH_RESULT, sectionActions);
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
    sections.render(target, response.sections, Scene.ITEM, sectionActions);
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
  } else if (shading.current().text) {
    // An empty box searches the shading word it shows.
    const word = shading.current();
    report(EventType.SUGGESTION_CLICKED, { query: word.text, position: word.position }, Scene.HOME);
    runSearch(word.text, "", false);
  }
});

shading.start(input);
