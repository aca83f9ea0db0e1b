// Vega-Lite spec -> SVG text, in Node with no browser and no canvas (Vega's "none" renderer
// estimates text widths).
import { parse, View } from "vega";
import { compile } from "vega-lite";
import type { Chart } from "./charts.ts";

export async function chartSvg(chart: Chart): Promise<string> {
  const view = new View(parse(compile(chart.spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
