// Regenerates docs/dataset-report.png (the README's "Know your dataset" picture): a generated
// TUSZ-shaped tree, its HTML report, a screenshot of the top of it in headless Chromium.
// Run: node --import tsx packages/dataset-report/scripts/readme-screenshot.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTusz } from "@bgb/testkit";
import puppeteer from "puppeteer-core";
import { runReport } from "../src/index.ts";
import { ensureChromium } from "../test/chromium.ts";

const out = join(import.meta.dirname, "..", "..", "..", "docs", "dataset-report.png");
const dir = await mkdtemp(join(tmpdir(), "readme-shot-"));
try {
  const tree = await generateTusz({
    root: join(dir, "tusz"),
    seed: 2,
    patients: 40,
    files: 110,
    sizes: { minBytes: 150 << 10, maxBytes: 6 << 20 },
  });
  const html = join(dir, "report.html");
  await runReport({
    dataset: "tuh",
    layout: "tusz",
    root: tree.root,
    expectedCounts: tree.counts,
    html,
    stdout: () => {},
  });
  const browser = await puppeteer.launch({
    executablePath: ensureChromium(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1500 });
    await page.goto(`file://${html}`, { waitUntil: "load" });
    await page.screenshot({ path: out as `${string}.png` });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${out}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
