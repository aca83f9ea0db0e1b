import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { foldEvents, type LaunchFields } from "../../src/registry/records.ts";
import { RunRegistry } from "../../src/registry/registry.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function registry() {
  const dir = mkdtempSync(join(tmpdir(), "bgb-reg-"));
  dirs.push(dir);
  let t = Date.parse("2026-11-28T15:00:00Z");
  return RunRegistry.at(dir, () => {
    t += 1000;
    return new Date(t);
  });
}

const fields: LaunchFields = {
  preset: "full",
  action: "train",
  config_path: "configs/tusz_train_a100.yaml",
  config_sha256: "c".repeat(64),
  dataset_versions: { tuh: "v".repeat(64) },
  gpu: "A100-80GB",
  timeout_s: 86400,
  planned_hours: 100,
  estimate_usd: 250,
  git_sha: "a".repeat(40),
  git_dirty: false,
  resume: false,
  argv: ["modal", "run"],
  log_file: ".bgb/launches/r1.log",
};

test("append-only JSONL folds into one record per run with its history", () => {
  const reg = registry();
  reg.append({ run: "r1", event: "launching", ...fields });
  reg.append({ run: "r1", event: "app", app_id: "ap-1" });
  reg.append({
    run: "r1",
    event: "launched",
    app_id: "ap-1",
    url: "https://modal.com/apps/w/main/ap-1",
    function_call_id: "fc-1",
  });
  const lines = readFileSync(reg.file, "utf8").trim().split("\n");
  expect(lines).toHaveLength(3);
  expect(reg.file.endsWith(join(".bgb", "runs.jsonl"))).toBe(true);
  const r = reg.get("r1");
  expect(r).toMatchObject({
    run: "r1",
    status: "running",
    preset: "full",
    config_sha256: "c".repeat(64),
    dataset_versions: { tuh: "v".repeat(64) },
    gpu: "A100-80GB",
    app_id: "ap-1",
    url: "https://modal.com/apps/w/main/ap-1",
    git_sha: "a".repeat(40),
    created_at: "2026-11-28T15:00:01.000Z",
    launched_at: "2026-11-28T15:00:03.000Z",
    ended_at: null,
  });
  reg.append({ run: "r1", event: "status", status: "succeeded", message: "run.json" });
  expect(reg.get("r1")).toMatchObject({
    status: "succeeded",
    ended_at: "2026-11-28T15:00:04.000Z",
  });
  expect(readFileSync(reg.file, "utf8").trim().split("\n")).toHaveLength(4); // never rewritten
});

test("a resumed run keeps its first creation time and every app id", () => {
  const reg = registry();
  reg.append({ run: "r1", event: "launching", ...fields });
  reg.append({ run: "r1", event: "launched", app_id: "ap-1", url: null, function_call_id: null });
  reg.append({ run: "r1", event: "status", status: "preempted" });
  reg.append({ run: "r1", event: "launching", ...fields, resume: true });
  reg.append({ run: "r1", event: "launched", app_id: "ap-2", url: null, function_call_id: null });
  expect(reg.get("r1")).toMatchObject({
    status: "running",
    app_id: "ap-2",
    app_ids: ["ap-1", "ap-2"],
    launches: 2,
    resume: true,
    created_at: "2026-11-28T15:00:01.000Z",
  });
});

test("a torn last line (crash mid-write) is skipped, the rest still reads", () => {
  const reg = registry();
  reg.append({ run: "r1", event: "launching", ...fields });
  appendFileSync(reg.file, '{"v":1,"at":"2026-11-28T15:00:09Z","run":"r1","event":"lau');
  expect(reg.get("r1")?.status).toBe("launching");
  expect(reg.skippedLines).toBe(1);
  reg.append({ run: "r2", event: "launching", ...fields });
  // the next append starts on a fresh line, so the torn line does not swallow it
  expect(reg.get("r2")?.status).toBe("launching");
  expect(reg.get("r1")?.status).toBe("launching");
});

test("events for an unknown run are ignored; no file means no runs", () => {
  const reg = registry();
  expect(reg.records()).toEqual([]);
  expect(
    foldEvents([{ v: 1, at: "x", run: "ghost", event: "status", status: "failed" }]).size,
  ).toBe(0);
});
