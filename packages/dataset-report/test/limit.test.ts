// Which files a BGB_LIMIT_FILES run trains on, and how many of them hold a seizure.
import { describe, expect, test } from "vitest";
import { limitSelection } from "../src/analysis/limit.ts";
import type { RecordingRow, Report } from "../src/analysis/types.ts";

const row = (edf: string, split: string, seizure_events: number): RecordingRow => ({
  edf,
  split,
  patient: edf.split("/")[2] as string,
  session: "s001_2010",
  montage: "01_tcp_ar",
  duration_s: 60,
  channels: 19,
  sample_rates: [256],
  labelled: true,
  seizure_events,
  seizure_s: seizure_events * 10,
});

const report = (layout: Report["layout"], recordings: RecordingRow[]) =>
  ({ layout, recordings }) as Report;

describe("limitSelection", () => {
  test("train files in Python's Path order (part by part), the first N", () => {
    const rows = [
      row("edf/train/aaaab/s001_2010/01_tcp_ar/aaaab_s001_t000.edf", "train", 1),
      row("edf/dev/aaaaa/s001_2010/01_tcp_ar/aaaaa_s001_t000.edf", "dev", 3),
      // "aaaaa-x" sorts before "aaaaa/" as a string, after "aaaaa" part by part.
      row("edf/train/aaaaa-x/s001_2010/01_tcp_ar/aaaaa-x_s001_t000.edf", "train", 0),
      row("edf/train/aaaaa/s001_2010/01_tcp_ar/aaaaa_s001_t000.edf", "train", 0),
    ];
    const two = limitSelection(report("tusz", rows), 2);
    expect(two?.files.map((r) => r.patient)).toEqual(["aaaaa", "aaaaa-x"]);
    expect(two?.withSeizure).toBe(0);
    expect(limitSelection(report("tusz", rows), 3)?.withSeizure).toBe(1);
  });

  test("unknown for CHB-MIT (the trainer shuffles with numpy there)", () => {
    expect(limitSelection(report("chbmit", []), 5)).toBeNull();
  });
});
