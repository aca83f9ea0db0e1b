// Launches that must not happen or must not start, through the real bin: preflight failures,
// a missing modal CLI, modal exiting with an error, modal hanging, and Ctrl-C while launching.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { runBin, startBin, waitFor } from "../helpers/run-bin.ts";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.ts";

let repo: TempRepo;
let bare: TempRepo;
beforeAll(async () => {
  [repo, bare] = await Promise.all([
    makeTempRepo(inject("s3")),
    makeTempRepo(inject("s3"), { manifest: false, trainer: false }),
  ]);
});
afterAll(() => {
  repo.cleanup();
  bare.cleanup();
});

const stops = (r: TempRepo) =>
  r.standinCalls().filter((c) => c.argv?.slice(0, 3).join(" ") === "app stop -y");

describe("preflight failures", () => {
  test("every failed check is reported with its fix, and nothing starts (exit 2)", async () => {
    const r = await runBin(["smoke"], { cwd: bare.root, env: bare.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /FAIL\s+dataset:tuh\s+no manifest at s3:\/\/launch-[\w-]+\/tuh\/\.bgb-manifest\.json/,
    );
    expect(r.stdout).toMatch(/fix: pnpm sync tuh/);
    expect(r.stdout).toMatch(
      /FAIL\s+trainer-source\s+trainer source vendor\/brain-go-brr-v2\/src is missing/,
    );
    expect(r.stderr).toMatch(
      /error: preflight failed \(dataset:tuh, trainer-source\): nothing launched/,
    );
    expect(bare.standinCalls().some((c) => c.argv?.[0] === "run")).toBe(false);
    expect(bare.registryLines()).toEqual([]);
  });

  test("the same failures in --dry-run --json, with exit 2", async () => {
    const r = await runBin(["smoke", "--dry-run", "--json"], {
      cwd: bare.root,
      env: bare.env,
    });
    expect(r.code).toBe(2);
    const plan = JSON.parse(r.stdout); // one object, even when failing
    const failed = plan.preflight
      .filter((c: { ok: boolean }) => !c.ok)
      .map((c: { check: string }) => c.check);
    expect(failed).toEqual(["dataset:tuh", "trainer-source"]);
  });

  test("no modal CLI is an environment error (exit 3)", async () => {
    const r = await runBin(["smoke", "--dry-run"], {
      cwd: repo.root,
      env: { ...repo.env, BGB_MODAL_BIN: join(repo.root, "no-modal-here") },
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/FAIL\s+modal-cli\s+modal CLI not found \(tried BGB_MODAL_BIN=/);
    expect(r.stdout).toMatch(/fix: sh modal\/scripts\/venv\.sh/);
  });

  test("missing Modal credentials and a missing secret (exit 2)", async () => {
    const r = await runBin(["smoke", "--dry-run"], {
      cwd: repo.root,
      env: { ...repo.env, MODAL_TOKEN_ID: "", MODAL_TOKEN_SECRET: "" },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/FAIL\s+modal-auth\s+no Modal credentials/);
    const s = await runBin(["smoke", "--dry-run"], {
      cwd: repo.root,
      env: { ...repo.env, STANDIN_SECRETS: "wandb-secret" },
    });
    expect(s.code).toBe(2);
    expect(s.stdout).toMatch(/FAIL\s+modal-secrets\s+Modal secret missing: aws-s3-secret/);
  });
});

describe("launches that do not start", () => {
  test("modal exits with an error: exit 1, recorded as launch_failed, its app stopped", async () => {
    const r = await runBin(["smoke", "--name", "err-1"], {
      cwd: repo.root,
      env: { ...repo.env, STANDIN_MODE: "error" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: modal exited with code 1 before the run started; app ap-StandIn0123456789 stopped \(recorded as launch_failed/,
    );
    expect(r.stderr).toContain("| Error: Secret 'aws-s3-secret' not found");
    expect(
      repo
        .registryLines()
        .filter((e) => e.run === "err-1")
        .at(-1),
    ).toMatchObject({
      event: "status",
      status: "launch_failed",
      app_id: "ap-StandIn0123456789",
    });
    expect(stops(repo).length).toBeGreaterThanOrEqual(1);
  });

  test("modal hangs: --launch-timeout ends it, exit 1, recorded, app stopped", async () => {
    const before = stops(repo).length;
    // 5 s from spawn: time for a loaded machine to start the stand-in and print the app id.
    const r = await runBin(["smoke", "--name", "hang-1", "--launch-timeout", "5"], {
      cwd: repo.root,
      env: { ...repo.env, STANDIN_MODE: "hang" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: modal printed no BGB_RUN line within 5 s; app ap-StandIn0123456789 stopped/,
    );
    expect(
      repo
        .registryLines()
        .filter((e) => e.run === "hang-1")
        .at(-1),
    ).toMatchObject({
      status: "launch_failed",
    });
    expect(stops(repo).length).toBe(before + 1);
  });

  test("Ctrl-C while modal starts: exit 130, no unrecorded run (recorded aborted, app stopped)", async () => {
    const before = stops(repo).length;
    const p = startBin(["smoke", "--name", "ctrlc-1"], {
      cwd: repo.root,
      env: { ...repo.env, STANDIN_MODE: "hang" },
    });
    await waitFor(
      () => repo.registryLines().some((e) => e.run === "ctrlc-1" && e.event === "app"),
      30_000,
      "the app id to be recorded",
    );
    p.child.kill("SIGINT");
    const r = await p.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(
      /error: interrupted before the run started; app ap-StandIn0123456789 stopped \(recorded as aborted/,
    );
    expect(
      repo
        .registryLines()
        .filter((e) => e.run === "ctrlc-1")
        .map((e) => e.event),
    ).toEqual(["launching", "app", "status"]);
    expect(
      repo
        .registryLines()
        .filter((e) => e.run === "ctrlc-1")
        .at(-1),
    ).toMatchObject({
      status: "aborted",
    });
    expect(stops(repo).length).toBe(before + 1);
    // the stand-in modal got SIGINT from the launcher and is gone
    const sig = repo.standinCalls().filter((c) => c.signal === "SIGINT");
    expect(sig.length).toBeGreaterThan(0);
  });
});
