// The report's charts as Vega-Lite specs (pure data in, spec out); render/svg.ts draws them.
import type { TopLevelSpec } from "vega-lite";
import type { Report } from "../analysis/types.ts";

export interface Chart {
  /** File-name stem for --png. */
  id: string;
  title: string;
  spec: TopLevelSpec;
}

const WIDTH = 420;
const HEIGHT = 220;
const TOP_PATIENTS = 40;

const base = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  width: WIDTH,
  height: HEIGHT,
  background: "white",
  config: { font: "sans-serif", view: { stroke: null } },
} as const;

export function reportCharts(report: Report): Chart[] {
  const splits = Object.entries(report.splits).map(([split, f]) => ({
    split,
    hours: f.hours,
    seizure_share: f.seizure_share,
  }));
  const splitOrder = Object.keys(report.splits);
  const readable = report.recordings.filter((r) => r.duration_s !== null);
  const patients = [...report.patients]
    .sort((a, b) => b.seizure_events - a.seizure_events || (a.patient < b.patient ? -1 : 1))
    .slice(0, TOP_PATIENTS)
    .map((p) => ({
      patient: p.patient,
      split: p.splits.join("+"),
      seizure_events: p.seizure_events,
    }));
  const bySplit = (key: "sample_rates" | "montages") =>
    Object.entries(report.splits).flatMap(([split, f]) =>
      Object.entries(f[key]).map(([value, recordings]) => ({ split, value, recordings })),
    );
  const splitColor = { field: "split", type: "nominal", sort: splitOrder, title: "split" } as const;
  return [
    {
      id: "hours-per-split",
      title: "Hours per split",
      spec: {
        ...base,
        data: { values: splits },
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "split", type: "nominal", sort: splitOrder, axis: { labelAngle: 0 } },
          y: { field: "hours", type: "quantitative", title: "hours of EEG" },
        },
      },
    },
    {
      id: "seizure-share-per-split",
      title: "Seizure share per split",
      spec: {
        ...base,
        data: { values: splits },
        mark: { type: "bar", tooltip: true, color: "#c0392b" },
        encoding: {
          x: { field: "split", type: "nominal", sort: splitOrder, axis: { labelAngle: 0 } },
          y: {
            field: "seizure_share",
            type: "quantitative",
            title: "seizure time / recorded time",
            axis: { format: ".1%" },
          },
        },
      },
    },
    {
      id: "recording-durations",
      title: "Recording durations",
      spec: {
        ...base,
        data: {
          values: readable.map((r) => ({ minutes: (r.duration_s ?? 0) / 60, split: r.split })),
        },
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: {
            field: "minutes",
            type: "quantitative",
            bin: { maxbins: 30 },
            title: "duration (minutes)",
          },
          y: { aggregate: "count", type: "quantitative", title: "recordings" },
          color: splitColor,
        },
      },
    },
    {
      id: "seizure-events-per-patient",
      title:
        report.patients.length > TOP_PATIENTS
          ? `Seizure events per patient (top ${TOP_PATIENTS} of ${report.patients.length})`
          : "Seizure events per patient",
      spec: {
        ...base,
        data: { values: patients },
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "patient", type: "nominal", sort: "-y", axis: { labelAngle: -60 } },
          y: {
            field: "seizure_events",
            type: "quantitative",
            title: "seizure events",
            axis: { format: "d", tickMinStep: 1 },
          },
          color: splitColor,
        },
      },
    },
    {
      id: "sampling-rates",
      title: "Sampling rates",
      spec: {
        ...base,
        height: { step: 26 },
        data: { values: bySplit("sample_rates") },
        mark: { type: "bar", tooltip: true },
        encoding: {
          y: { field: "value", type: "nominal", title: "Hz" },
          x: { field: "recordings", type: "quantitative", aggregate: "sum", title: "recordings" },
          color: splitColor,
        },
      },
    },
    {
      id: "montages",
      title: report.layout === "tusz" ? "Montages" : "Channel sets",
      spec: {
        ...base,
        height: { step: 26 },
        data: { values: bySplit("montages") },
        mark: { type: "bar", tooltip: true },
        encoding: {
          y: {
            field: "value",
            type: "nominal",
            title: report.layout === "tusz" ? "montage" : "channel set",
          },
          x: { field: "recordings", type: "quantitative", aggregate: "sum", title: "recordings" },
          color: splitColor,
        },
      },
    },
  ];
}
