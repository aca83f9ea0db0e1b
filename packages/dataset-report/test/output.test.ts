// Terminal summary, --json, --png, and the HTML report opened in headless Chromium.
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type DatasetSummary, generateTusz } from "@bgb/testkit";
import puppeteer from "puppeteer-core";
import { beforeAll, describe, expect, test } from "vitest";
import { type Report, runReport } from "../src/index.ts";
import { ensureChromium } from "./chromium.ts";
import { tempDirs } from "./support.ts";

const temp = tempDirs("report-output-");
const OUTPUT = join(import.meta.dirname, "output");
const CHARTS = [
  "hours-per-split",
  "seizure-share-per-split",
  "recording-durations",
  "seizure-events-per-patient",
  "sampling-rates",
  "montages",
];

let tree: DatasetSummary<Record<string, number>>;
let dir: string;
beforeAll(async () => {
  dir = await temp();
  tree = await generateTusz({
    root: join(dir, "tusz"),
    seed: 9,
    patients: 16,
    files: 48,
    sizes: { minBytes: 100 << 10, maxBytes: 4 << 20 },
  });
});

const run = async (extra: {
  json?: boolean;
  html?: string;
  png?: string;
  expectedCounts?: Record<string, number>;
}) => {
  let stdout = "";
  let stderr = "";
  const result = await runReport({
    dataset: "tuh",
    layout: "tusz",
    root: tree.root,
    expectedCounts: tree.counts,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    ...extra,
  });
  return { ...result, stdout, stderr };
};

describe("terminal and JSON", () => {
  test("the summary shows each split's figures and the verdict; exit 0", async () => {
    const { stdout, exitCode, report } = await run({});
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("dataset tuh (tusz)");
    expect(lines[1]).toMatch(/^\s+train\s+dev\s+eval\s+total$/);
    const row = (label: string) =>
      lines
        .find((l) => l.startsWith(label))
        ?.slice(label.length)
        .trim()
        .split(/\s+/);
    const s = report.splits;
    expect(row("recordings")).toEqual(
      [s.train, s.dev, s.eval, report.totals].map((f) => String(f?.recordings)),
    );
    expect(row("seizure events")).toEqual(
      [s.train, s.dev, s.eval, report.totals].map((f) => String(f?.seizure_events)),
    );
    expect(lines.at(-1)).toBe("no errors, 0 warnings");
  });

  test("--json is one document, the same report; errors give exit 1 and name the check", async () => {
    const { stdout, exitCode } = await run({
      json: true,
      expectedCounts: { train: 1, dev: 1, eval: 1 },
    });
    expect(exitCode).toBe(1);
    expect(stdout.endsWith("\n")).toBe(true);
    const doc = JSON.parse(stdout) as Report;
    expect(doc.format).toBe(1);
    expect(doc.recordings).toHaveLength(48);
    expect(doc.issues.map((i) => i.check)).toEqual(["count-mismatch"]);
    const human = await run({ expectedCounts: { train: 1, dev: 1, eval: 1 } });
    expect(human.stdout).toMatch(/\nerror count-mismatch: EDF counts differ from expected_counts/);
    expect(human.stdout.trimEnd().split("\n").at(-1)).toBe(
      "1 error, 0 warnings: fix the errors before training on this dataset",
    );
  });

  test("--png writes one PNG per chart", async () => {
    const png = join(dir, "png");
    const { stderr } = await run({ png });
    expect(stderr).toBe(`report: wrote 6 charts to ${png}\n`);
    expect((await readdir(png)).sort()).toEqual(CHARTS.map((c) => `${c}.png`).sort());
    for (const c of CHARTS) {
      const bytes = await readFile(join(png, `${c}.png`));
      expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(bytes.readUInt32BE(16)).toBeGreaterThan(400); // width at 2x
    }
  });
});

describe("HTML report in headless Chromium", () => {
  test("charts render as SVG with no console errors; screenshot under test/output", async () => {
    const executablePath = ensureChromium();
    await mkdir(OUTPUT, { recursive: true });
    const html = join(OUTPUT, "report.html");
    await run({ html });
    const text = await readFile(html, "utf8");
    expect(text).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(String(e)));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(`file://${html}`, { waitUntil: "load" });
      const charts = await page.$$eval("figure", (figs) =>
        figs.map((f) => {
          const svg = f.querySelector("svg");
          const box = svg?.getBoundingClientRect();
          return {
            id: f.id,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks: svg?.querySelectorAll("path, rect").length ?? 0,
          };
        }),
      );
      expect(charts.map((c) => c.id)).toEqual(CHARTS);
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(200);
        expect(c.height, c.id).toBeGreaterThan(50); // one bar per rate/montage in the short ones
        expect(c.marks, c.id).toBeGreaterThan(3);
      }
      expect(await page.$eval(".verdict", (e) => e.textContent)).toBe("No errors, 0 warnings");
      expect(problems).toEqual([]);
      const shotPath = join(OUTPUT, "report.png") as `${string}.png`;
      await page.screenshot({ path: shotPath, fullPage: true });
      const shot = await readFile(join(OUTPUT, "report.png"));
      expect(shot.subarray(1, 4).toString("latin1")).toBe("PNG");
    } finally {
      await browser.close();
    }
  });
});

describe("many issues of one kind", () => {
  test("the terminal shows five of a kind and counts the rest; --json keeps every one", async () => {
    const broken = await generateTusz({ root: join(dir, "many"), seed: 9, patients: 4, files: 9 });
    const { rm } = await import("node:fs/promises");
    for (const r of broken.recordings) await rm(join(broken.root, r.labels));
    let stdout = "";
    const { report, exitCode } = await runReport({
      dataset: "tuh",
      layout: "tusz",
      root: broken.root,
      stdout: (t) => {
        stdout += t;
      },
    });
    expect(exitCode).toBe(1);
    expect(report.issues.filter((i) => i.check === "missing-label")).toHaveLength(9);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("error missing-label: no label file "))).toHaveLength(
      5,
    );
    expect(lines).toContain(
      "error missing-label: 4 more like these (--json or --html lists every one)",
    );
    expect(lines.at(-1)).toBe(
      "9 errors, 0 warnings: fix the errors before training on this dataset",
    );
  });
});
