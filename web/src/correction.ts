// "Did you mean" and "showing results for" banners of the result page (the Correct RPC). Rendering only: main.ts
// decides when to ask and what a click searches.
import { CorrectionAction, type Correction } from "./gen/queryrec/v1/queryrec_pb";

/** What the banner offers: search the correction, or (after an automatic rewrite) the query as typed. */
export interface CorrectionLinks {
  searchCorrection(text: string): void;
  searchAsTyped(query: string): void;
}

function link(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "link";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

/** "Did you mean X?" for an offered correction of what was searched. */
export function renderOffer(target: HTMLElement, correction: Correction, links: CorrectionLinks): void {
  target.replaceChildren("Did you mean ", link(correction.text, () => links.searchCorrection(correction.text)), "?");
  target.dataset.action = CorrectionAction[CorrectionAction.OFFER];
  target.hidden = false;
}

/** "Showing results for X. Search instead for Y" after the service's automatic rewrite of Y into X. */
export function renderRewrite(target: HTMLElement, shown: string, typed: string, links: CorrectionLinks): void {
  const b = document.createElement("b");
  b.textContent = shown;
  target.replaceChildren("Showing results for ", b, ". Search instead for ", link(typed, () => links.searchAsTyped(typed)));
  target.dataset.action = CorrectionAction[CorrectionAction.REWRITE];
  target.hidden = false;
}

export function clear(target: HTMLElement): void {
  target.replaceChildren();
  delete target.dataset.action;
  target.hidden = true;
}
