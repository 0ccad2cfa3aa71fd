// The suggestion dropdown's options: the typed prefix marked, the category hint beside, picked on mousedown. Rendering
// only: main.ts keeps which list is shown, the keyboard selection and what a pick does.
import type { RecommendedQuery } from "./gen/queryrec/v1/queryrec_pb";

/** One option per item (ids sug-0, sug-1, ...); <pick> gets the picked item's position. */
export function options(items: RecommendedQuery[], prefix: string, pick: (position: number) => void): HTMLLIElement[] {
  return items.map((item, i) => {
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
      pick(i);
    });
    return li;
  });
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
