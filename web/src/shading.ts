// Shading words: the empty box's rotating placeholder (GetShadingWords), each shown word reported, the pool asked
// for again once it has been shown (the service rotates it and applies the exposure cap).
import { EventType, Scene, Stage, type RecommendedQuery } from "./gen/queryrec/v1/queryrec_pb";
import { client, device, fail, report, showMetadata } from "./session";

let shading: RecommendedQuery[] = [];
let shadingIndex = 0;
let shadingTimer: number | undefined;
let currentShading = "";
let input: HTMLInputElement;

let shadingRetries = 0;

/** The shading word the box shows now (empty when none) and its position in the rotation. */
export function current(): { text: string; position: number } {
  return { text: currentShading, position: shadingIndex };
}

/** Loads the words and starts rotating them as <box>'s placeholder, asking again when the pool is shown. */
export function start(box: HTMLInputElement): void {
  input = box;
  void loadShading();
}

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
