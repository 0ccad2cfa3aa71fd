// Drives the storefront page in Debian's headless chromium through playwright-core and checks what a shopper sees.
//   node tests/browser/storefront.mjs --url http://127.0.0.1:5081/ --index-version v1 [--arm layer=arm] --screenshot out.png
// Run by the functional test StorefrontBrowserTests (which starts the real service on a demo index); exits non-zero
// with the failed check on stderr. CHROMIUM overrides the browser path (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    "index-version": { type: "string" },
    arm: { type: "string" },
    screenshot: { type: "string" },
  },
});
assert.ok(args.url, "--url is required");
assert.ok(args["index-version"], "--index-version is required");
assert.ok(args.screenshot, "--screenshot is required");

const step = (text) => console.log(`- ${text}`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--lang=en-US"],
});

const problems = [];
let page;
try {
  page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
  page.setDefaultTimeout(30_000); // generous: CI machines can be busy
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  const rpcs = [];
  page.on("request", (r) => {
    const m = /\/queryrec\.v1\.QueryRecService\/(\w+)$/.exec(r.url());
    if (m) {
      assert.equal(r.headers()["content-type"], "application/grpc-web+proto", "the page speaks binary gRPC-Web");
      rpcs.push(m[1]);
    }
  });

  await page.goto(args.url);
  const box = page.getByRole("combobox", { name: "Search" });

  step("the debug footer shows the served index version and the experiment arm");
  await page.locator("#dbg-index", { hasText: args["index-version"] }).waitFor();
  if (args.arm) await page.locator("#dbg-arms", { hasText: args.arm }).waitFor();
  else assert.notEqual(await page.locator("#dbg-arms").textContent(), "–");

  step("a shading word is the placeholder");
  await page.waitForFunction(() => document.getElementById("q").placeholder !== "Search");
  const placeholder = await box.getAttribute("placeholder");
  assert.ok(placeholder && placeholder.length > 0);

  step("an empty focused box shows the discovery sections (personal and hot)");
  await box.click();
  const discovery = page.getByLabel("Discover");
  await discovery.waitFor({ state: "visible" });
  await discovery.locator('[data-kind="PERSONAL"]').waitFor();
  const hot = discovery.locator('[data-kind="HOT"] .chips button');
  await hot.first().waitFor();
  assert.ok((await hot.count()) >= 3, "the hot list has a few queries");
  const hotQuery = (await hot.first().innerText()).replace(/^1\s*/, "").trim();
  const otherHotQuery = (await hot.nth(1).innerText()).replace(/^2\s*/, "").trim();
  assert.equal(await discovery.locator('[data-kind="HISTORY"]').count(), 0, "a new device has no recent searches to show");

  step("the discovery chips are reachable by keyboard: Tab and arrows move through them, Escape returns to the box");
  const chips = discovery.locator(".chips button");
  const focusedChip = () => page.evaluate(() => {
    const chipList = Array.from(document.querySelectorAll("#discovery .chips button"));
    return chipList.indexOf(document.activeElement);
  });
  await box.press("Tab"); // the Search button: still inside the form, the panel stays
  assert.equal(await discovery.isVisible(), true, "discovery stays open while the focus is in the search form");
  await page.keyboard.press("Tab");
  assert.equal(await focusedChip(), 0, "Tab reaches the first chip");
  await page.keyboard.press("ArrowRight");
  assert.equal(await focusedChip(), 1, "ArrowRight moves to the next chip");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "q", "ArrowLeft from the first chip returns to the box");
  assert.equal(await discovery.isVisible(), true, "and the panel is still open");
  await box.press("ArrowDown");
  assert.equal(await focusedChip(), 0, "ArrowDown from the empty box enters the chips");
  assert.ok((await chips.count()) >= 3);
  await page.keyboard.press("Escape");
  await discovery.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.id), "q", "Escape returns to the box");

  step(`typing a prefix of a hot query ("${hotQuery}") shows suggestions`);
  const prefix = [...hotQuery].slice(0, Math.min(3, [...hotQuery].length)).join("");
  await box.pressSequentially(prefix, { delay: 40 });
  const listbox = page.getByRole("listbox", { name: "Suggestions" });
  await listbox.waitFor({ state: "visible" });
  // The list of an earlier keystroke ("sm") can show first and be replaced when the typed prefix's answer arrives,
  // which resets the active option: wait for the typed prefix's own list.
  await page.waitForFunction((p) => document.querySelector("[role=listbox]")?.dataset.prefix === p, prefix);
  assert.equal(await discovery.isVisible(), false, "discovery closes while typing");
  const options = listbox.getByRole("option");
  await options.first().waitFor();
  const texts = await options.allInnerTexts();
  assert.ok(texts.some((t) => t.toLowerCase().startsWith(prefix.toLowerCase())), `a completion of "${prefix}" among ${JSON.stringify(texts)}`);
  assert.equal(await box.getAttribute("aria-expanded"), "true");

  step("up/down move the active option; Escape closes the list");
  await box.press("ArrowDown");
  assert.equal(await box.getAttribute("aria-activedescendant"), "sug-0");
  assert.equal(await options.nth(0).getAttribute("aria-selected"), "true");
  if (texts.length > 1) {
    await box.press("ArrowDown");
    assert.equal(await box.getAttribute("aria-activedescendant"), "sug-1");
    await box.press("ArrowUp");
    assert.equal(await box.getAttribute("aria-activedescendant"), "sug-0");
  }
  await box.press("Escape");
  await listbox.waitFor({ state: "hidden" });
  assert.equal(await box.getAttribute("aria-expanded"), "false");

  step("a late answer for an older prefix never replaces the newer one");
  // Hold back the answer to the next Suggest call until a newer one has been answered.
  let release;
  const held = new Promise((r) => (release = r));
  let first = true;
  await page.route("**/queryrec.v1.QueryRecService/Suggest", async (route) => {
    if (first) {
      first = false;
      await held;
    }
    await route.continue().catch(() => {}); // the page may have aborted it: that is the point
  });
  const heldCall = page.waitForRequest((r) => r.url().endsWith("/queryrec.v1.QueryRecService/Suggest"));
  await box.press("Backspace");
  await heldCall; // past the debounce: the call for the shorter prefix is out, and held
  await box.pressSequentially(prefix.slice(-1));
  await listbox.waitFor({ state: "visible" });
  const fresh = await options.allInnerTexts();
  release();
  await page.waitForTimeout(500); // give the held answer, had it not been cancelled, time to land
  assert.deepEqual(await options.allInnerTexts(), fresh, "the list still answers the current prefix");
  assert.equal(await box.inputValue(), prefix);
  await page.unroute("**/queryrec.v1.QueryRecService/Suggest");

  step("clicking a suggestion searches it and shows results and the related section");
  const picked = (await options.first().locator("span").first().innerText()).trim();
  await options.first().click();
  const results = page.locator("#results");
  await results.waitFor({ state: "visible" });
  assert.equal(await box.inputValue(), picked);
  assert.match(await page.locator("#results-title").innerText(), new RegExp(picked.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  const related = page.locator('#related [data-kind="RELATED"]');
  await related.waitFor();
  await page.locator('#related [data-kind="REFINE"]').waitFor();
  const relatedChips = related.locator(".chips button");
  const relatedCount = await relatedChips.count();
  step(`related queries for "${picked}": ${relatedCount}`);

  step("viewing an item shows the click-back section");
  const item = page.locator("#items button.result").first();
  await item.click();
  await page.locator("#item").waitFor({ state: "visible" });
  await page.locator('#click-back [data-kind="CLICK_BACK"]').waitFor();

  step("events reach the service (ReportEvents accepted some)");
  await page.waitForFunction(() => Number(document.getElementById("debug").dataset.eventsAccepted ?? 0) > 0);
  for (const rpc of ["GetShadingWords", "Discover", "Suggest", "ReportEvents"]) {
    assert.ok(rpcs.includes(rpc), `the page called ${rpc}`);
  }

  step("a related query can be searched in turn");
  if (relatedCount > 0) {
    const next = (await relatedChips.first().innerText()).trim();
    await relatedChips.first().click();
    await page.locator("#results-title", { hasText: next }).waitFor();
  }

  step("screenshot: suggestions open over a result page");
  await box.click();
  await box.fill("");
  await box.pressSequentially(prefix, { delay: 40 });
  await options.first().waitFor();
  await box.press("ArrowDown");
  mkdirSync(dirname(args.screenshot), { recursive: true });
  await page.screenshot({ path: args.screenshot });
  console.log(`screenshot: ${args.screenshot}`);

  step(`recent searches: "${otherHotQuery}" searched last is listed first in the focused empty box`);
  await box.fill("");
  await box.pressSequentially(otherHotQuery, { delay: 20 });
  await box.press("Enter");
  await page.locator("#results-title", { hasText: otherHotQuery }).waitFor();
  await box.click();
  await box.fill("");
  const history = discovery.locator('[data-kind="HISTORY"]');
  const entries = history.locator(".history-entry");
  await entries.first().waitFor();
  const recentQueries = () => entries.evaluateAll((els) => els.map((e) => e.dataset.query));
  // The panel shows what it loaded last until the reload asked for on focus arrives: wait for the new list (or time out
  // and report what is shown).
  await page
    .waitForFunction((q) => document.querySelector("#discovery .history-entry")?.dataset.query === q, otherHotQuery, { timeout: 10_000 })
    .catch(() => {});
  const before = await recentQueries();
  assert.equal(before[0], otherHotQuery, `newest first: ${JSON.stringify(before)}`);
  assert.ok(before.includes(picked), `the clicked suggestion "${picked}" is among ${JSON.stringify(before)}`);
  assert.equal(new Set(before).size, before.length, "one entry per query");

  step("an entry is deleted by keyboard: ArrowDown into the panel, over Clear and the entry, to its delete button, Enter");
  await box.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Clear recent searches");
  await page.keyboard.press("ArrowRight"); // the first entry's search chip
  await page.keyboard.press("ArrowRight"); // its delete button
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), `Delete “${before[0]}” from recent searches`);
  await page.keyboard.press("Enter");
  await page.waitForFunction((gone) => !Array.from(document.querySelectorAll("#discovery .history-entry")).some((e) => e.dataset.query === gone), before[0]);
  assert.deepEqual(await recentQueries(), before.slice(1), "only that entry went");
  assert.equal(await discovery.isVisible(), true, "the panel stays open");

  step("Clear (by keyboard) empties the recent searches, and they stay empty after a reload");
  await history.getByRole("button", { name: "Clear recent searches" }).focus();
  await page.keyboard.press("Enter");
  await history.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.id), "q", "the focus returns to the box");
  await page.reload();
  await box.click();
  await discovery.locator('[data-kind="HOT"] .chips button').first().waitFor();
  assert.equal(await discovery.locator('[data-kind="HISTORY"]').count(), 0, "no recent searches after the reload");
  assert.ok(rpcs.includes("DeleteHistory"), "the page called DeleteHistory");

  step('a typo the service is sure of is rewritten: results for the correction, "search instead" for the query as typed');
  await box.click();
  await box.fill("");
  await box.pressSequentially("手标", { delay: 20 });
  await box.press("Enter");
  await page.locator("#results-title", { hasText: "Results for “手表”" }).waitFor();
  const banner = page.getByLabel("Correction");
  await banner.getByText("Search instead for").waitFor();
  assert.equal(await banner.getAttribute("data-action"), "REWRITE");

  step('"search instead" shows the empty result page with alternatives: the correction first, never the query itself');
  await banner.getByRole("button", { name: "手标" }).click();
  await page.locator("#results-title", { hasText: "No results for “手标”" }).waitFor();
  assert.equal(await page.locator("#items li").count(), 0, "the empty result page lists no items");
  const alternativeChips = page.locator('#alternatives [data-kind="ALTERNATIVES"] .chips button');
  await alternativeChips.first().waitFor();
  const alternativeTexts = (await alternativeChips.allInnerTexts()).map((t) => t.trim());
  assert.equal(alternativeTexts[0], "手表", `the correction first: ${JSON.stringify(alternativeTexts)}`);
  assert.ok(!alternativeTexts.includes("手标"), "never the zero-result query itself");
  await page.screenshot({ path: args.screenshot.replace(/\.png$/, "") + "-alternatives.png" });

  step('a less certain correction is only offered: "did you mean" over the results of the query as typed');
  await box.click();
  await box.fill("");
  await box.pressSequentially("smratwacth", { delay: 20 });
  await box.press("Enter");
  await page.locator("#results-title", { hasText: "Results for “smratwacth”" }).waitFor();
  await banner.getByText("Did you mean").waitFor();
  assert.equal(await banner.getAttribute("data-action"), "OFFER");
  assert.ok((await page.locator("#items li").count()) > 0, "the results of the query as typed stay");
  await banner.getByRole("button", { name: "smartwatch" }).click();
  await page.locator("#results-title", { hasText: "Results for “smartwatch”" }).waitFor();
  assert.ok(rpcs.includes("Correct"), "the page called Correct");

  assert.deepEqual(problems, [], "no page or console errors");
  console.log("storefront: all checks passed");
} catch (e) {
  // What the page said about its calls (the debug footer's status) and how it looked, for the failure report.
  if (page) {
    console.error(`page status: ${await page.locator("#dbg-status").textContent().catch(() => "?")}`);
    console.error(`problems: ${JSON.stringify(problems)}`);
    const failure = args.screenshot.replace(/\.png$/, "") + "-failure.png";
    await page.screenshot({ path: failure }).catch(() => {});
    console.error(`failure screenshot: ${failure}`);
  }
  throw e;
} finally {
  await browser.close();
}
