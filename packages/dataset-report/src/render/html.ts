// A self-contained HTML report: inline CSS, the figures as tables, the charts as inline SVG,
// every issue with all its files. No scripts, no external requests.
import type { Report, SplitFigures } from "../analysis/types.ts";
import type { Chart } from "./charts.ts";
import { counts, hours, percent, plural, tally } from "./format.ts";

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`,
  );

const FIGURES: [string, (f: SplitFigures) => string][] = [
  ["patients", (f) => String(f.patients)],
  ["sessions", (f) => (f.sessions === null ? "–" : String(f.sessions))],
  ["recordings", (f) => String(f.recordings)],
  ["hours", (f) => hours(f.hours)],
  ["seizure events", (f) => String(f.seizure_events)],
  ["seizure hours", (f) => hours(f.seizure_hours)],
  ["seizure share", (f) => percent(f.seizure_share)],
  ["recordings with no seizure", (f) => String(f.recordings_without_seizure)],
  ["unreadable EDF", (f) => String(f.unreadable)],
  ["without labels", (f) => String(f.unlabelled)],
  ["sampling rates (Hz)", (f) => tally(f.sample_rates)],
  ["montages / channel sets", (f) => tally(f.montages)],
];

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse}
td,th{padding:.25rem .7rem;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}
td:first-child,th:first-child{text-align:left}.verdict{font-weight:600;padding:.6rem 1rem;border-radius:6px}
.bad{background:#fdecea;color:#8a1c12}.ok{background:#e8f5e9;color:#1b5e20}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:1.5rem}
figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
.error{color:#8a1c12}.warning{color:#8a5a00}details{margin:.3rem 0}code{font-size:12px}`;

export function renderHtml(
  report: Report,
  charts: readonly { chart: Chart; svg: string }[],
): string {
  const cols: [string, SplitFigures][] = Object.entries(report.splits);
  if (cols.length > 1) cols.push(["total", report.totals]);
  const figures = `<table><tr><th></th>${cols.map(([n]) => `<th>${esc(n)}</th>`).join("")}</tr>${FIGURES.map(
    ([label, get]) =>
      `<tr><td>${esc(label)}</td>${cols.map(([, f]) => `<td>${esc(get(f))}</td>`).join("")}</tr>`,
  ).join("")}</table>`;
  const verdict =
    report.errors > 0
      ? `<p class="verdict bad">${plural(report.errors, "error")}, ${plural(report.warnings, "warning")}: fix the errors before training on this dataset</p>`
      : `<p class="verdict ok">No errors, ${plural(report.warnings, "warning")}</p>`;
  const issues = report.issues
    .map(
      (i) =>
        `<details><summary class="${i.severity}">${i.severity} <b>${esc(i.check)}</b>: ${esc(i.message)}${
          i.files.length > 0 ? ` (${i.files.length} files)` : ""
        }</summary>${i.files.map((f) => `<code>${esc(f)}</code>`).join("<br>")}</details>`,
    )
    .join("\n");
  const chartHtml = charts
    .map(
      ({ chart, svg }) =>
        `<figure id="${esc(chart.id)}"><figcaption>${esc(chart.title)}</figcaption>${svg}</figure>`,
    )
    .join("\n");
  const version = report.dataset_version
    ? ` · version <code>${esc(report.dataset_version)}</code>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Dataset report: ${esc(report.dataset)}</title><style>${CSS}</style></head>
<body><h1>Dataset report: ${esc(report.dataset)}</h1>
<p>Layout <b>${esc(report.layout)}</b>${version} · EDF counts ${esc(counts(report.counts.actual))}${
    report.counts.expected ? ` (expected ${esc(counts(report.counts.expected))})` : ""
  }</p>
${verdict}
<h2>Figures per split</h2>${figures}
<h2>Charts</h2><div class="charts">${chartHtml}</div>
<h2>Checks</h2>${issues || "<p>Every check passed.</p>"}
</body></html>
`;
}
