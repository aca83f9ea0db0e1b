// Each check fires on a tree made to break it, naming the files concerned.
import { cp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type DatasetSummary,
  type GeneratedRecording,
  generateChbmit,
  generateTusz,
} from "@bgb/testkit";
import { describe, expect, test } from "vitest";
import { buildReport, type Issue, type Report, readLocalDataset } from "../src/index.ts";
import { tempDirs } from "./support.ts";

const temp = tempDirs("report-checks-");

async function tusz(opts: { sampleRate?: number; channels?: number } = {}) {
  return generateTusz({ root: join(await temp(), "t"), seed: 11, patients: 6, files: 14, ...opts });
}

async function reportOf(
  tree: DatasetSummary<Record<string, number>>,
  layout: "tusz" | "chbmit" = "tusz",
  expectedCounts: Record<string, number> | null = tree.counts,
): Promise<Report> {
  return buildReport(
    await readLocalDataset({ dataset: "d", layout, root: tree.root, expectedCounts }),
  );
}

const only = (r: Report, check: Issue["check"]) => r.issues.filter((i) => i.check === check);
const seizing = (t: DatasetSummary<unknown>) =>
  t.recordings.find((r) => r.seizures.length > 0) as GeneratedRecording;

describe("TUSZ checks", () => {
  test("a patient in two splits is an error naming the patient and its files", async () => {
    const tree = await tusz();
    const [, , patient, session] = (
      tree.recordings.find((r) => r.split === "train") as GeneratedRecording
    ).edf.split("/");
    await cp(
      join(tree.root, "edf/train", patient as string, session as string),
      join(tree.root, "edf/dev", patient as string, session as string),
      { recursive: true },
    );
    const r = await reportOf(tree, "tusz", null);
    const leaks = only(r, "patient-leak");
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({
      severity: "error",
      message: `patient ${patient} is in dev and train: splits must be patient-disjoint`,
    });
    expect(leaks[0]?.files.some((f) => f.startsWith(`edf/dev/${patient}/`))).toBe(true);
    expect(leaks[0]?.files.some((f) => f.startsWith(`edf/train/${patient}/`))).toBe(true);
    expect(r.errors).toBe(1);
  });

  test("an EDF without its label file, and a label file without its EDF", async () => {
    const tree = await tusz();
    const [a, b] = tree.recordings;
    await rm(join(tree.root, a?.labels as string));
    await rm(join(tree.root, b?.edf as string));
    const r = await reportOf(tree, "tusz", null);
    expect(only(r, "missing-label")).toEqual([
      {
        severity: "error",
        check: "missing-label",
        message: `no label file ${a?.labels}`,
        files: [a?.edf],
      },
    ]);
    expect(only(r, "orphan-label")).toEqual([
      { severity: "error", check: "orphan-label", message: `no EDF ${b?.edf}`, files: [b?.labels] },
    ]);
    expect(r.totals.unlabelled).toBe(1);
  });

  test("label intervals outside the recording or with start >= stop", async () => {
    const tree = await tusz();
    const rec = seizing(tree);
    const path = join(tree.root, rec.labels);
    const lines = (await readFile(path, "utf8")).split("\n");
    const i = lines.findIndex(
      (l) => l.includes(`,${rec.seizures[0]?.start.toFixed(4)},`) && !l.includes("bckg"),
    );
    const cells = lines[i]?.split(",") as string[];
    lines[i] = [cells[0], cells[1], (rec.durationSeconds + 30).toFixed(4), cells[3], cells[4]].join(
      ",",
    );
    lines[i + 1] = [cells[0], "12.0000", "12.0000", cells[3], cells[4]].join(",");
    await writeFile(path, lines.join("\n"));
    const r = await reportOf(tree);
    const bad = only(r, "bad-interval");
    expect(bad.map((x) => x.message)).toEqual([
      `${rec.labels} line ${i + 1}: ${rec.seizures[0]?.start}-${rec.durationSeconds + 30} s is outside the recording (0-${rec.durationSeconds} s)`,
      `${rec.labels} line ${i + 2}: start 12 >= stop 12`,
    ]);
    expect(bad.every((x) => x.severity === "error" && x.files[0] === rec.edf)).toBe(true);
  });

  test("a truncated EDF is an error naming the file; the rest is still reported", async () => {
    const tree = await tusz();
    const rec = tree.recordings[3] as GeneratedRecording;
    await truncate(join(tree.root, rec.edf), 3000);
    const r = await reportOf(tree);
    expect(only(r, "unreadable-edf")).toEqual([
      {
        severity: "error",
        check: "unreadable-edf",
        message: expect.stringMatching(/^truncated: 3000 bytes, the header alone is 5120$/),
        files: [rec.edf],
      },
    ]);
    expect(r.totals.unreadable).toBe(1);
    expect(r.totals.recordings).toBe(14);
  });

  test("counts against expected_counts", async () => {
    const tree = await tusz();
    const r = await reportOf(tree, "tusz", { ...tree.counts, train: (tree.counts.train ?? 0) + 1 });
    expect(only(r, "count-mismatch")).toEqual([
      {
        severity: "error",
        check: "count-mismatch",
        message: `EDF counts differ from expected_counts in configs/datasets.yaml: train has ${tree.counts.train}, expected ${(tree.counts.train ?? 0) + 1}`,
        files: [],
      },
    ]);
  });

  test("sampling rates and channel sets the trainer cannot use are warnings listing the files", async () => {
    const low = await reportOf(await tusz({ sampleRate: 200 }), "tusz");
    expect(low.errors).toBe(0);
    expect(low.issues).toEqual([
      {
        severity: "warning",
        check: "trainer-sample-rate",
        message:
          "sampling rate the trainer cannot use: 200 Hz: Nyquist 100 Hz is at or below the band-pass edge 120 Hz",
        files: low.recordings.map((x) => x.edf),
      },
    ]);
    const few = await reportOf(await tusz({ channels: 12 }), "tusz");
    expect(few.issues).toEqual([
      {
        severity: "warning",
        check: "trainer-channels",
        message:
          "the trainer cannot load these recordings: channels T3, T5, Fz, Cz, Pz, T4, T6 missing (it needs the 19 10-20 channels)",
        files: few.recordings.map((x) => x.edf),
      },
    ]);
  });
});

describe("CHB-MIT checks", () => {
  test("a summary without an EDF's entry, an entry without its EDF", async () => {
    const tree = await generateChbmit({
      root: join(await temp(), "c"),
      seed: 2,
      patients: 2,
      files: 6,
    });
    const [a, b] = tree.recordings as [GeneratedRecording, GeneratedRecording];
    const name = a.edf.split("/")[1] as string;
    const summary = join(tree.root, a.labels);
    const text = await readFile(summary, "utf8");
    await writeFile(
      summary,
      text
        .split("\n\n")
        .filter((blk) => !blk.startsWith(`File Name: ${name}\n`))
        .join("\n\n"),
    );
    await rm(join(tree.root, b.edf));
    const r = await reportOf(tree, "chbmit", null);
    expect(only(r, "missing-label")).toEqual([
      {
        severity: "error",
        check: "missing-label",
        message: `${a.labels} has no entry for ${name}`,
        files: [a.edf],
      },
    ]);
    expect(only(r, "orphan-label")).toEqual([
      {
        severity: "error",
        check: "orphan-label",
        message: expect.stringMatching(
          new RegExp(
            `^${b.labels} line \\d+ describes ${b.edf.split("/")[1]}, which is not in the dataset$`,
          ),
        ),
        files: [b.labels],
      },
    ]);
  });

  test("a seizure past the end of its recording", async () => {
    const tree = await generateChbmit({
      root: join(await temp(), "c"),
      seed: 2,
      patients: 2,
      files: 6,
    });
    const rec = seizing(tree);
    const summary = join(tree.root, rec.labels);
    const text = await readFile(summary, "utf8");
    const name = rec.edf.split("/")[1] as string;
    const blocks = text
      .split("\n\n")
      .map((blk) =>
        blk.startsWith(`File Name: ${name}\n`)
          ? blk.replace(/End Time: \d+ seconds/, `End Time: ${rec.durationSeconds + 5} seconds`)
          : blk,
      );
    await writeFile(summary, blocks.join("\n\n"));
    const r = await reportOf(tree, "chbmit", null);
    expect(only(r, "bad-interval")).toEqual([
      {
        severity: "error",
        check: "bad-interval",
        message: `${rec.labels} (${name}): ${rec.seizures[0]?.start}-${rec.durationSeconds + 5} s is outside the recording (0-${rec.durationSeconds} s)`,
        files: [rec.edf],
      },
    ]);
  });
});

describe("layout", () => {
  test("a tree with no EDF where the layout puts them is an error, not an empty success", async () => {
    const tree = await generateChbmit({
      root: join(await temp(), "c"),
      seed: 2,
      patients: 1,
      files: 2,
    });
    const r = await reportOf(tree, "tusz", null); // a CHB-MIT tree read as TUSZ
    expect(r.issues).toEqual([
      {
        severity: "error",
        check: "no-recordings",
        message:
          "no EDF file where the tusz layout puts them (edf/{train,dev,eval}/<patient>/<session>/<montage>/*.edf): wrong source folder or layout?",
        files: [],
      },
    ]);
  });
});
