// Every figure of the report against what the generator wrote (TUSZ- and CHB-MIT-shaped trees).
import { join } from "node:path";
import { type DatasetSummary, generateChbmit, generateTusz } from "@bgb/testkit";
import { beforeAll, describe, expect, test } from "vitest";
import { buildReport, type Report, readLocalDataset } from "../src/index.ts";
import { expectedFigures, tempDirs } from "./support.ts";

const temp = tempDirs("report-figures-");

function expectFigures(
  actual: Report["totals"] | undefined,
  truth: ReturnType<typeof expectedFigures>,
) {
  expect(actual).toBeDefined();
  const { hours, seizure_hours, seizure_share, ...exact } = truth;
  expect(actual).toMatchObject(exact);
  expect(actual?.hours).toBeCloseTo(hours, 9);
  expect(actual?.seizure_hours).toBeCloseTo(seizure_hours, 9);
  expect(actual?.seizure_share).toBeCloseTo(seizure_share, 9);
}

describe("TUSZ-shaped tree", () => {
  let tree: DatasetSummary<Record<string, number>>;
  let report: Report;
  beforeAll(async () => {
    tree = await generateTusz({
      root: join(await temp(), "tusz"),
      seed: 5,
      patients: 14,
      files: 40,
      sizes: { minBytes: 60 << 10, maxBytes: 600 << 10 },
    });
    const input = await readLocalDataset({
      dataset: "tuh",
      layout: "tusz",
      root: tree.root,
      expectedCounts: tree.counts,
    });
    report = buildReport(input, "v-test");
  });

  test("a clean tree has no errors and no warnings", () => {
    expect(report.issues).toEqual([]);
    expect([report.errors, report.warnings]).toEqual([0, 0]);
    expect(report.counts).toEqual({ actual: tree.counts, expected: tree.counts });
    expect(report.dataset_version).toBe("v-test");
  });

  test("per-split and total figures are what the generator wrote", () => {
    expect(Object.keys(report.splits)).toEqual(["train", "dev", "eval"]);
    for (const split of ["train", "dev", "eval"]) {
      const truth = tree.recordings.filter((r) => r.split === split);
      expect(truth.length).toBeGreaterThan(0);
      expectFigures(report.splits[split], expectedFigures(truth));
    }
    expectFigures(report.totals, expectedFigures(tree.recordings));
    // The tree has both kinds of recording, so the seizure figures are really exercised.
    expect(report.totals.seizure_events).toBeGreaterThan(0);
    expect(report.totals.recordings_without_seizure).toBeGreaterThan(0);
  });

  test("per recording and per patient rows", () => {
    expect(report.recordings).toEqual(
      tree.recordings.map((r) => ({
        edf: r.edf,
        split: r.split,
        patient: r.patient,
        session: r.session,
        montage: r.montage,
        duration_s: r.durationSeconds,
        channels: r.channels.length,
        sample_rates: [r.sampleRate],
        labelled: true,
        seizure_events: r.seizures.length,
        seizure_s: expect.closeTo(
          r.seizures.reduce((n, s) => n + s.stop - s.start, 0),
          9,
        ),
      })),
    );
    const patients = [...new Set(tree.recordings.map((r) => r.patient))].sort();
    expect(report.patients.map((p) => p.patient)).toEqual(patients);
    for (const p of report.patients) {
      const mine = tree.recordings.filter((r) => r.patient === p.patient);
      expect(p.splits).toEqual([mine[0]?.split]);
      expect(p.recordings).toBe(mine.length);
      expect(p.seizure_events).toBe(mine.reduce((n, r) => n + r.seizures.length, 0));
    }
  });
});

describe("CHB-MIT-shaped tree", () => {
  let tree: DatasetSummary<Record<string, number>>;
  let report: Report;
  beforeAll(async () => {
    tree = await generateChbmit({
      root: join(await temp(), "chbmit"),
      seed: 3,
      patients: 4,
      files: 14,
      sizes: { minBytes: 100 << 10, maxBytes: 900 << 10 },
    });
    const input = await readLocalDataset({
      dataset: "chbmit",
      layout: "chbmit",
      root: tree.root,
      expectedCounts: { all: 14 },
    });
    report = buildReport(input);
  });

  test("figures are what the generator wrote", () => {
    expect(Object.keys(report.splits)).toEqual(["all"]);
    expectFigures(report.splits.all, expectedFigures(tree.recordings));
    expectFigures(report.totals, expectedFigures(tree.recordings));
    expect(report.totals.sessions).toBeNull();
    expect(report.totals.seizure_events).toBeGreaterThanOrEqual(4); // every patient has one
    expect(tree.recordings.some((r) => r.seizures.length === 2)).toBe(true);
    for (const r of report.recordings) {
      const truth = tree.recordings.find((t) => t.edf === r.edf);
      expect(r.seizure_events).toBe(truth?.seizures.length);
      expect(r.duration_s).toBe(truth?.durationSeconds);
    }
  });

  test("no errors; the bipolar channel names are a warning naming every recording", () => {
    expect(report.errors).toBe(0);
    expect(report.issues).toEqual([
      {
        severity: "warning",
        check: "trainer-channels",
        message: expect.stringMatching(
          /^the trainer cannot load these recordings: channels Fp1, F3, .*; names like FP1-F7 are bipolar derivations, it reads single electrodes\)$/,
        ),
        files: tree.recordings.map((r) => r.edf),
      },
    ]);
  });
});
