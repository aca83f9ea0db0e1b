// Everything a report run can write: the terminal text, --json, --html <file>, --png <dir>.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Report } from "../analysis/types.ts";
import { reportCharts } from "./charts.ts";
import { renderHtml } from "./html.ts";
import { svgToPng } from "./png.ts";
import { chartSvg } from "./svg.ts";

export async function renderedCharts(report: Report) {
  return Promise.all(
    reportCharts(report).map(async (chart) => ({ chart, svg: await chartSvg(chart) })),
  );
}

export async function writeHtml(report: Report, file: string): Promise<void> {
  await writeFile(file, renderHtml(report, await renderedCharts(report)));
}

/** One PNG per chart, named after it; returns the paths written. */
export async function writePngs(report: Report, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (const { chart, svg } of await renderedCharts(report)) {
    const path = join(dir, `${chart.id}.png`);
    await writeFile(path, svgToPng(svg));
    out.push(path);
  }
  return out;
}
