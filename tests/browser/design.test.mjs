// The app's one design system, light and dark: with the system's colour scheme dark, the pages
// turn dark and still pass axe (contrast included); template cards keep their "Attach to" select
// inside the card however long the prompt names are, at 1280 and 390 px, and no page scrolls
// sideways. Screenshots of the gallery and the templates in both schemes go to
// tests/browser/artifacts/.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { apiClient, artifacts, signUpInBrowser, withServerAndBrowser } from "./harness.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let server;
let browser;
withServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** The relative luminance (0 black … 1 white) of a computed `rgb(…)` colour. */
function luminance(rgb) {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function seriousViolations(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.html) }));
  });
}

for (const scheme of ["light", "dark"]) {
  test(`${scheme}: the pages follow the colour scheme, pass axe and fit 1280 and 390 px`, async () => {
    // axe is injected as an inline script, which the app's Content-Security-Policy refuses.
    const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const session = await signUpInBrowser(page, server.app);
    const api = apiClient(server.app, session.token);
    const long = `A prompt whose name goes on and on ${"and on ".repeat(20)}`.slice(0, 190);
    await api("POST", "/api/prompts", { name: long, messages: [{ role: "user", content: "hi" }], settings: { model_id: "echo" } });

    const ground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    if (scheme === "dark") assert.ok(luminance(ground) < 0.05, `a dark ground in dark mode, got ${ground}`);
    else assert.ok(luminance(ground) > 0.8, `a light ground in light mode, got ${ground}`);

    for (const size of [1280, 390]) {
      await page.setViewportSize({ width: size, height: 900 });
      await page.goto(`${server.app}/templates`);
      await page.locator("label.attach select").first().waitFor();
      const outside = await page.evaluate(() =>
        [...document.querySelectorAll("label.attach select")]
          .map((s) => s.getBoundingClientRect().right - (s.closest("li")?.getBoundingClientRect().right ?? Infinity))
          .filter((d) => d > 0.5),
      );
      assert.deepEqual(outside, [], `every "Attach to" select stays inside its card at ${size} px`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `/templates fits ${size} px (overflows by ${overflow} px)`);
      await page.screenshot({ path: join(artifacts, `templates-${scheme}-${size}.png`), fullPage: true });
      await page.goto(`${server.app}/gallery`);
      await page.getByRole("heading", { name: "Gallery" }).waitFor();
      await page.screenshot({ path: join(artifacts, `gallery-${scheme}-${size}.png`), fullPage: true });
    }

    await page.setViewportSize({ width: 1280, height: 900 });
    for (const path of ["/", "/gallery", "/templates", "/runs", "/account"]) {
      await page.goto(`${server.app}${path}`);
      await page.getByRole("heading").first().waitFor();
      assert.deepEqual(await seriousViolations(page), [], `${scheme} ${path}`);
    }
    await context.close();
  });
}
