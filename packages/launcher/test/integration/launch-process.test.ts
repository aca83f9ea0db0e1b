// Process handling of a launch against the Modal stand-in (test/fixtures/modal-cloud-stand-in.mjs):
// a program that prints what `modal run` prints, because this machine cannot reach Modal's cloud.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { watchModalLaunch } from "../../src/process/launch-modal.ts";
import { STAND_IN } from "../helpers/paths.ts";

const dir = mkdtempSync(join(tmpdir(), "bgb-proc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const APP_ID = "ap-StandIn0123456789";
const URL = `https://modal.com/apps/example-ws/main/${APP_ID}`;
const ARGV = [
  STAND_IN,
  "run",
  "--detach",
  "-n",
  "r1",
  "modal/app.py",
  "--action",
  "train",
  "--run",
  "r1",
];

function start(mode: string, extra: Partial<Parameters<typeof watchModalLaunch>[0]> = {}) {
  const log = join(dir, `standin-${++n}.log`);
  const lines: string[] = [];
  const appIds: string[] = [];
  const result = watchModalLaunch({
    argv: ARGV,
    cwd: dir,
    env: { PATH: process.env.PATH, STANDIN_MODE: mode, STANDIN_LOG: log, BGB_LAUNCH_SPEC: "{}" },
    timeoutMs: 10_000,
    exitGraceMs: 300,
    killGraceMs: 300,
    settleMs: 300,
    logFile: join(dir, `launch-${n}.log`),
    onLine: (l) => lines.push(l),
    onAppId: (id) => appIds.push(id),
    ...extra,
  });
  const calls = () =>
    readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { pid: number; signal?: string });
  return { result, lines, appIds, calls, launchLog: join(dir, `launch-${n}.log`) };
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe("a launch that starts", () => {
  test("captures app id, URL and BGB_RUN; the client exits by itself", async () => {
    // It exits at once; the grace only has to outlast a loaded machine's process teardown.
    const s = start("ok", { exitGraceMs: 5_000 });
    const r = await s.result;
    expect(r).toMatchObject({
      kind: "started",
      appId: APP_ID,
      url: URL,
      bgbRun: { run: "r1", action: "train", function_call_id: "fc-StandIn01", app_id: APP_ID },
      client: "exited",
      clientCode: 0,
    });
    expect(s.appIds).toEqual([APP_ID]);
    expect(readFileSync(s.launchLog, "utf8")).toContain("BGB_RUN ");
  });

  test("a client that lingers after BGB_RUN gets SIGINT (Modal's detach path) and the run stands", async () => {
    // SIGINT ends it at once; the kill grace only has to outlast a loaded machine's teardown.
    const s = start("linger", { killGraceMs: 5_000 });
    const r = await s.result;
    expect(r).toMatchObject({ kind: "started", appId: APP_ID, client: "interrupted" });
    const calls = s.calls();
    expect(calls).toContainEqual(expect.objectContaining({ signal: "SIGINT" }));
    expect(s.lines.join("\n")).toContain("The detached App will keep running");
    expect(gone(calls[0]?.pid as number)).toBe(true);
  });

  test("Ctrl-C after BGB_RUN does not undo the launch", async () => {
    const ac = new AbortController();
    const s = start("linger", { signal: ac.signal, exitGraceMs: 5_000 });
    const poll = setInterval(() => {
      if (s.lines.some((l) => l.startsWith("BGB_RUN"))) ac.abort();
    }, 10);
    const r = await s.result;
    clearInterval(poll);
    expect(r.kind).toBe("started");
  });
});

describe("a launch that does not start", () => {
  test("the CLI exits with an error: failed, with its last lines and the app id it printed", async () => {
    const r = await start("error").result;
    expect(r).toMatchObject({ kind: "failed", reason: "exited", code: 1, appId: APP_ID });
    if (r.kind !== "failed") return;
    expect(r.message).toBe("modal exited with code 1 before the run started");
    expect(r.tail.at(-1)).toBe("Error: Secret 'aws-s3-secret' not found in environment 'main'");
  });

  test("the CLI exits 0 without BGB_RUN: failed, not guessed", async () => {
    const r = await start("no-bgb-run").result;
    expect(r).toMatchObject({ kind: "failed", reason: "exited", code: 0 });
    if (r.kind === "failed") expect(r.message).toMatch(/without the BGB_RUN line/);
  });

  // The timeout counts from spawn: long enough that a loaded machine has started the stand-in
  // (printed its app id, set its SIGINT handler) before it fires.
  test("the CLI hangs: timeout, SIGINT, and it is gone", async () => {
    const s = start("hang", { timeoutMs: 4000 });
    const r = await s.result;
    expect(r).toMatchObject({ kind: "failed", reason: "timeout", appId: APP_ID, url: URL });
    if (r.kind === "failed") expect(r.message).toBe("modal printed no BGB_RUN line within 4 s");
    const calls = s.calls();
    expect(calls).toContainEqual(expect.objectContaining({ signal: "SIGINT" }));
    expect(gone(calls[0]?.pid as number)).toBe(true);
  });

  test("a CLI that ignores SIGINT is killed", async () => {
    const s = start("hang-ignore-int", { timeoutMs: 4000 });
    const r = await s.result;
    expect(r).toMatchObject({ kind: "failed", reason: "timeout", signal: "SIGKILL" });
    expect(gone(s.calls()[0]?.pid as number)).toBe(true);
  });

  test("Ctrl-C before BGB_RUN: aborted, the CLI stopped", async () => {
    const ac = new AbortController();
    const s = start("hang", { signal: ac.signal });
    const poll = setInterval(() => {
      if (s.appIds.length > 0) ac.abort();
    }, 10);
    const r = await s.result;
    clearInterval(poll);
    expect(r).toMatchObject({ kind: "failed", reason: "aborted", appId: APP_ID });
    expect(s.lines.join("\n")).toContain("Aborting app initialization");
  });

  test("a modal binary that does not exist", async () => {
    const r = await watchModalLaunch({
      argv: [join(dir, "no-such-modal"), "run"],
      cwd: dir,
      env: {},
      timeoutMs: 1000,
    });
    expect(r).toMatchObject({ kind: "failed", reason: "spawn-error" });
    if (r.kind === "failed") expect(r.message).toMatch(/ENOENT/);
  });
});
