// list / status / logs / stop / pull on a recorded run, through the real bin, with the Modal
// stand-in answering `modal app list --json`, `app logs`, `app stop -y` and `volume get`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { PACKAGE_DIR } from "../helpers/paths.ts";
import { runBin } from "../helpers/run-bin.ts";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.ts";

const APP = "ap-StandIn0123456789";
const FIXTURES = join(PACKAGE_DIR, "test", "fixtures");
let repo: TempRepo;
let apps: string;
beforeAll(async () => {
  repo = await makeTempRepo(inject("s3"));
  apps = join(repo.home, "apps.json");
  writeFileSync(apps, "[]");
  const r = await runBin(["smoke", "--name", "smoke-r"], { cwd: repo.root, env: repo.env });
  if (r.code !== 0) throw new Error(`setup launch failed: ${r.stderr}`);
});
afterAll(() => repo.cleanup());

const bin = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runBin(args, { cwd: repo.root, env: { ...repo.env, STANDIN_APPS: apps, ...env } });

const setApp = (state: string) =>
  writeFileSync(
    apps,
    JSON.stringify([
      {
        app_id: APP,
        description: "smoke-r",
        state,
        tasks: "1",
        created_at: "2026-11-28T15:00:00+00:00",
        stopped_at: null,
      },
    ]),
  );

test("list shows recorded runs with Modal's app state", async () => {
  setApp("ephemeral (detached)");
  const r = await bin(["list"]);
  expect(r.code).toBe(0);
  expect(r.stdout.split("\n")[0]).toMatch(/^RUN\s+PRESET\s+STATUS\s+MODAL\s+GPU\s+APP\s+LAUNCHED/);
  expect(r.stdout).toMatch(
    /smoke-r\s+smoke\s+running\s+ephemeral \(detached\)\s+A100-80GB\s+ap-StandIn0123456789/,
  );
  const j = await bin(["list", "--json", "--local"]);
  expect(JSON.parse(j.stdout).runs[0]).toMatchObject({
    run: "smoke-r",
    status: "running",
    modal_state: null,
  });
});

test("status shows each attempt of a run that continues past its timeout", async () => {
  setApp("ephemeral (detached)");
  // the shape the GPU side writes (modal/tests/test_runner.py checks it against this file)
  const runJson = readFileSync(join(FIXTURES, "run-json-attempts.json"), "utf8");
  const r = await bin(["status", "smoke-r"], { STANDIN_RUN_JSON: runJson });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^smoke-r: running/);
  expect(r.stdout).toContain("run.json running, 3 attempts");
  expect(r.stdout).toContain("best     epoch 17 sensitivity_at_10fa=0.7421 (best.pt)");
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("  attempt "));
  expect(lines).toEqual([
    expect.stringMatching(
      /^ {2}attempt 1 \(1\/7\) timeout: 2026-11-28T15:00:05.000Z -> 2026-11-29T14:40:05.000Z, epoch 21 - attempt 1 stopped at epoch 21 before the 24.00 h timeout/,
    ),
    expect.stringMatching(
      /^ {2}attempt 2 \(2\/7\) preempted: 2026-11-29T14:41:00.000Z -> 2026-11-29T22:10:00.000Z, epoch 28, resumed - attempt 2: SIGINT \(preemption\)/,
    ),
    "  attempt 3 (3/7) running: 2026-11-29T22:11:30.000Z -> ..., no epoch done, resumed",
  ]);
  const j = await bin(["status", "smoke-r", "--json"], { STANDIN_RUN_JSON: runJson });
  const doc = JSON.parse(j.stdout);
  expect(doc.run_json.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
    "timeout",
    "preempted",
    "running",
  ]);
});

test("a preempted run whose app is still live is running: Modal restarts the input", async () => {
  setApp("ephemeral (detached)");
  const doc = JSON.parse(readFileSync(join(FIXTURES, "run-json-attempts.json"), "utf8"));
  doc.exit_status = "preempted";
  doc.attempts = doc.attempts.slice(0, 2);
  const r = await bin(["status", "smoke-r"], { STANDIN_RUN_JSON: JSON.stringify(doc) });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^smoke-r: running/);
});

test("status reads run.json, records the final status, exits 1 for a failed run", async () => {
  setApp("stopped");
  const r = await bin(["status", "smoke-r"], {
    STANDIN_RUN_JSON: JSON.stringify({
      run: "smoke-r",
      exit_status: "failed",
      exit_code: 1,
      attempt: 1,
    }),
  });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^smoke-r: failed \(updated\)/);
  expect(r.stdout).toContain("run.json failed");
  expect(repo.registryLines().at(-1)).toMatchObject({
    run: "smoke-r",
    event: "status",
    status: "failed",
  });
  const again = await bin(["status", "smoke-r", "--json"]);
  expect(JSON.parse(again.stdout)).toMatchObject({ run: "smoke-r", status: "failed", app_id: APP });
});

test("logs runs modal app logs for the run's app", async () => {
  const r = await bin(["logs", "smoke-r"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("epoch 2/100 loss 0.541");
  expect(repo.standinCalls().some((c) => c.argv?.join(" ") === `app logs ${APP}`)).toBe(true);
  await bin(["logs", "smoke-r", "-f"]);
  expect(repo.standinCalls().some((c) => c.argv?.join(" ") === `app logs -f ${APP}`)).toBe(true);
});

test("stop writes the stop request to the results volume, then runs modal app stop -y", async () => {
  const before = repo.standinCalls().length;
  const r = await bin(["stop", "smoke-r"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`stopped smoke-r (${APP})\n`);
  const calls = repo.standinCalls().slice(before);
  const put = calls.findIndex((c) => c.argv?.slice(0, 2).join(" ") === "volume put");
  const stop = calls.findIndex((c) => c.argv?.join(" ") === `app stop -y ${APP}`);
  expect(put).toBeGreaterThanOrEqual(0);
  expect(stop).toBeGreaterThan(put); // the GPU side must find it when the signal arrives
  expect(calls[put]?.argv?.slice(2, 4)).toEqual(["--force", "brain-go-brr-results"]);
  expect(calls[put]?.argv?.at(-1)).toBe("/smoke-r/stop-requested.json");
  const uploaded = calls.map((c) => (c as { put?: string }).put).filter((p) => p !== undefined);
  const content = uploaded[0] ?? "";
  expect(JSON.parse(content)).toMatchObject({ by: "pnpm launch stop", app_id: APP });
  expect(repo.registryLines().at(-1)).toMatchObject({ status: "stopped" });
});

test("stop still stops the app when the stop request cannot be written, and says so", async () => {
  const r = await bin(["stop", "smoke-r"], { STANDIN_VOLUME_PUT_FAILS: "1" });
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/warning: could not write the stop request to brain-go-brr-results/);
  expect(r.stderr).toMatch(/the run record may say preempted/);
});

test("pull brings /<run> of the results volume into results/<run>/", async () => {
  const r = await bin(["pull", "smoke-r"]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain("pulled smoke-r into results/smoke-r/");
  expect(existsSync(join(repo.root, "results", "smoke-r", "checkpoints", "best.pt"))).toBe(true);
  expect(readFileSync(join(repo.root, "results", "smoke-r", "run.json"), "utf8")).toContain(
    "succeeded",
  );
  const call = repo
    .standinCalls()
    .find((c) => c.argv?.[0] === "volume" && c.argv[3] === "/smoke-r");
  expect(call?.argv).toEqual([
    "volume",
    "get",
    "brain-go-brr-results",
    "/smoke-r",
    join(repo.root, "results"),
  ]);
});

test("an unknown run is a usage error (exit 2)", async () => {
  const r = await bin(["status", "nope"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/error: no run "nope" in .*runs\.jsonl \(pnpm launch list shows/);
});
