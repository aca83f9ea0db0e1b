// The human summary: one table of figures per split, the breakdowns, then every issue (files
// shortened; --json has them all) and a verdict line.
import type { Report, SplitFigures } from "../analysis/types.ts";
import { hours, percent, plural, someFiles, tally } from "./format.ts";

const ISSUES_PER_KIND = 5;

const ROWS: [string, (f: SplitFigures) => string][] = [
  ["patients", (f) => String(f.patients)],
  ["sessions", (f) => (f.sessions === null ? "-" : String(f.sessions))],
  ["recordings", (f) => String(f.recordings)],
  ["hours", (f) => hours(f.hours)],
  ["seizure events", (f) => String(f.seizure_events)],
  ["seizure hours", (f) => hours(f.seizure_hours)],
  ["seizure share", (f) => percent(f.seizure_share)],
  ["no seizure", (f) => String(f.recordings_without_seizure)],
];

export function renderTerminal(report: Report): string {
  const cols: [string, SplitFigures][] = Object.entries(report.splits);
  if (cols.length > 1) cols.push(["total", report.totals]);
  const table = [
    ["", ...cols.map(([name]) => name)],
    ...ROWS.map(([label, get]) => [label, ...cols.map(([, f]) => get(f))]),
  ];
  const widths = (table[0] as string[]).map((_, c) =>
    Math.max(...table.map((row) => (row[c] ?? "").length)),
  );
  const lines = [
    `dataset ${report.dataset} (${report.layout})${report.dataset_version ? `, version ${report.dataset_version.slice(0, 12)}` : ""}`,
    ...table.map((row) =>
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join("  "),
    ),
    `sampling rates (Hz): ${tally(report.totals.sample_rates)}`,
    `${report.layout === "tusz" ? "montages" : "channel sets"}: ${tally(report.totals.montages)}`,
  ];
  if (report.totals.unreadable > 0 || report.totals.unlabelled > 0)
    lines.push(
      `unreadable EDF: ${report.totals.unreadable}, without labels: ${report.totals.unlabelled}`,
    );
  // A real dataset can have hundreds of issues of one kind: the first few of each, then a count.
  const shown = new Map<string, number>();
  for (const i of report.issues) {
    const kind = `${i.severity} ${i.check}`;
    const n = (shown.get(kind) ?? 0) + 1;
    shown.set(kind, n);
    if (n > ISSUES_PER_KIND) continue;
    const files = i.files.length > 0 ? ` [${someFiles(i.files)}]` : "";
    lines.push(`${kind}: ${i.message}${files}`);
  }
  for (const [kind, n] of shown) {
    if (n > ISSUES_PER_KIND)
      lines.push(
        `${kind}: ${n - ISSUES_PER_KIND} more like these (--json or --html lists every one)`,
      );
  }
  lines.push(
    report.errors > 0
      ? `${plural(report.errors, "error")}, ${plural(report.warnings, "warning")}: fix the errors before training on this dataset`
      : `no errors, ${plural(report.warnings, "warning")}`,
  );
  return `${lines.join("\n")}\n`;
}
