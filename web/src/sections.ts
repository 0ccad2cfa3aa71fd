// Discover sections of the storefront (before search, related and refinements, click-back, alternatives): rendering
// only. main.ts decides when to load them and what a chip or a history deletion does (SectionActions).
import { SectionKind, type RecommendedQuery, type Scene, type Section } from "./gen/queryrec/v1/queryrec_pb";

/** What the sections' controls do. */
export interface SectionActions {
  /** A chip was clicked: report and search it. */
  chipClicked(item: RecommendedQuery, position: number, scene: Scene): void;
  /** Delete one history entry (its list item) or, with null, the whole history shown in <section>. */
  deleteHistory(section: HTMLElement, entry: HTMLElement | null): void;
}

const titles: Record<number, string> = {
  [SectionKind.HISTORY]: "Recent searches",
  [SectionKind.PERSONAL]: "Guess you want",
  [SectionKind.HOT]: "Hot searches",
  [SectionKind.RELATED]: "Related searches",
  [SectionKind.REFINE]: "Narrow it down",
  [SectionKind.CLICK_BACK]: "People who viewed this searched",
  [SectionKind.ALTERNATIVES]: "No results. Try instead",
};

/** Renders Discover sections into <target>: chips that search, ranked HOT chips, and the deletable history. */
export function render(target: HTMLElement, sections: Section[], scene: Scene, actions: SectionActions): void {
  target.replaceChildren(
    ...sections.flatMap((section) => {
      if (section.kind === SectionKind.HISTORY) return section.items.length ? [renderHistory(section, scene, actions)] : [];
      const wrap = document.createElement("section");
      wrap.className = `section section-${SectionKind[section.kind].toLowerCase().replace(/_/g, "-")}`;
      wrap.dataset.kind = SectionKind[section.kind];
      const h = document.createElement("h3");
      h.textContent = titles[section.kind] ?? section.title;
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
        const b = searchChip(item, position, scene, actions);
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

function searchChip(item: RecommendedQuery, position: number, scene: Scene, actions: SectionActions): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.append(item.text);
  b.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep the box's focus state stable
  b.addEventListener("click", () => actions.chipClicked(item, position, scene));
  return b;
}

// The device's own searches, newest first: each can be deleted, and "Clear" deletes them all (DeleteHistory).
function renderHistory(section: Section, scene: Scene, actions: SectionActions): HTMLElement {
  const wrap = document.createElement("section");
  wrap.className = "section section-history";
  wrap.dataset.kind = SectionKind[section.kind];
  const head = document.createElement("div");
  head.className = "section-head";
  const h = document.createElement("h3");
  h.textContent = titles[section.kind];
  const clear = document.createElement("button");
  clear.type = "button";
  clear.className = "link clear-history";
  clear.textContent = "Clear";
  clear.setAttribute("aria-label", "Clear recent searches");
  clear.addEventListener("mousedown", (ev) => ev.preventDefault());
  clear.addEventListener("click", () => actions.deleteHistory(wrap, null));
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
    remove.addEventListener("click", () => actions.deleteHistory(wrap, li));
    li.append(searchChip(item, position, scene, actions), remove);
    ul.append(li);
  });
  wrap.append(head, ul);
  return wrap;
}
