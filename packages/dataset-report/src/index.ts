// Know an EEG dataset before paying for it: the engine (./engine.ts, no chart libraries) plus
// the chart renderers (Vega-Lite to SVG, HTML, PNG).
export * from "./engine.ts";
export { type Chart, reportCharts } from "./render/charts.ts";
export { renderHtml } from "./render/html.ts";
export { renderedCharts, writeHtml, writePngs } from "./render/outputs.ts";
