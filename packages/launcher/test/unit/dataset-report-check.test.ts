// The dataset-report and limit-files checks on reports built by the real engine from generated
// trees: summary, errors, a stale report, and the first seizure in the trainer's file order.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReport, type Report, readLocalDataset } from "@bgb/dataset-report/engine";
import { generateTusz } from "@bgb/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { checkDatasetReports } from "../../src/preflight/checks/dataset-report.ts";
import type { CheckInput } from "../../src/preflight/types.ts";
import { input } from "../helpers/facts.ts";

let dir: string;
let report: Report;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "report-check-"));
  const tree = await generateTusz({ root: join(dir, "t"), seed: 1, patients: 10, files: 30 });
  report = buildReport(await readLocalDataset({ dataset: "tuh", layout: "tusz", root: tree.root }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function withReport(preset: string, r: Report, limit?: number): CheckInput {
  const i = input(preset);
  const manifest = i.facts.manifests.tuh;
  const version = manifest?.state === "found" ? manifest.manifest.version : null;
  i.facts.reports = {
    tuh: {
      location: "s3://b/tuh/.bgb-report.json",
      state: "found",
      report: { ...r, dataset_version: version },
    },
  };
  if (limit !== undefined) i.req = { ...i.req, limitFiles: limit };
  return i;
}

/** Train rows in the trainer's order (sorted paths; these all have the same depth). */
const trainOrder = (r: Report) =>
  r.recordings.filter((x) => x.split === "train").sort((a, b) => (a.edf < b.edf ? -1 : 1));

test("a sound report: the summary line, and the seizure files the limit selects", () => {
  const [summary, limit] = checkDatasetReports(withReport("smoke", report));
  const t = report.totals;
  expect(summary).toEqual({
    check: "dataset-report:tuh",
    ok: true,
    message: `${t.recordings} recordings, ${t.hours.toFixed(1)} h, ${t.seizure_events} seizure events (${(100 * t.seizure_share).toFixed(1)}% seizure time), 0 warnings`,
    fix: null,
  });
  const selected = trainOrder(report).slice(0, 50);
  expect(limit).toEqual({
    check: "limit-files:tuh",
    ok: true,
    message: `limit_files 50: ${selected.filter((x) => x.seizure_events > 0).length} of the ${selected.length} train files it selects contain a seizure`,
    fix: null,
  });
  // The full preset has no limit: no limit-files line.
  expect(checkDatasetReports(withReport("full", report)).map((c) => c.check)).toEqual([
    "dataset-report:tuh",
  ]);
});

test("a limit before the first seizure fails and names the limit that would reach it", () => {
  const order = trainOrder(report);
  const first = order.findIndex((x) => x.seizure_events > 0);
  expect(first).toBe(2); // seed 1: the first two train files have no seizure
  const [, limit] = checkDatasetReports(withReport("smoke", report, first));
  expect(limit).toEqual({
    check: "limit-files:tuh",
    ok: false,
    message: `limit_files ${first}: none of the ${first} train files it selects contains a seizure, so the run would train without one seizure window`,
    fix: `set presets.smoke.limit_files to at least ${first + 1} in configs/launch.yaml (the first train file with a seizure, ${order[first]?.edf}, is number ${first + 1} in the trainer's order)`,
  });
});

test("errors in the report, a report of another dataset version, an unreadable report", () => {
  const broken: Report = {
    ...report,
    errors: 1,
    issues: [
      {
        severity: "error",
        check: "patient-leak",
        message: "patient aaaa is in dev and train",
        files: [],
      },
    ],
  };
  const [bad] = checkDatasetReports(withReport("full", broken));
  expect(bad).toEqual({
    check: "dataset-report:tuh",
    ok: false,
    message: "the dataset report has 1 error: patient-leak: patient aaaa is in dev and train",
    fix: "pnpm data-sync report tuh lists them all; fix the dataset, then pnpm sync tuh (it writes the report after the manifest)",
  });
  const stale = withReport("full", report);
  const fact = stale.facts.reports?.tuh;
  if (fact?.state === "found") fact.report = { ...fact.report, dataset_version: "0".repeat(64) };
  expect(checkDatasetReports(stale)[0]).toMatchObject({
    ok: false,
    message: expect.stringMatching(
      /^the report describes dataset version 000000000000, the manifest is /,
    ),
  });
  const i = input("full");
  i.facts.reports = {
    tuh: { location: "s3://b/tuh/.bgb-report.json", state: "invalid", reason: "not valid JSON" },
  };
  expect(checkDatasetReports(i)[0]).toMatchObject({
    ok: false,
    message: "could not use s3://b/tuh/.bgb-report.json: not valid JSON",
  });
  i.facts.reports = { tuh: { location: "s3://b/tuh/.bgb-report.json", state: "missing" } };
  expect(checkDatasetReports(i)[0]).toMatchObject({ ok: true });
});
