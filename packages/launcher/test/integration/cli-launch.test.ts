// `pnpm launch <preset>` end to end through the real bin: real configs, a real git repo, the
// manifest on the local versitygw, and the Modal stand-in in place of Modal's cloud.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { onTerminal } from "../helpers/on-terminal.ts";
import { runBin } from "../helpers/run-bin.ts";
import { makeTempRepo, type TempRepo, tuhManifest } from "../helpers/temp-repo.ts";

const SECRET = "as-test-never-printed";
let repo: TempRepo;
beforeAll(async () => {
  repo = await makeTempRepo(inject("s3"));
});
afterAll(() => repo.cleanup());

const launch = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runBin(args, { cwd: repo.root, env: { ...repo.env, ...env } });

describe("pnpm launch", () => {
  test("--dry-run --json prints one object: argv, env names, preflight, estimate; launches nothing", async () => {
    const r = await launch(["smoke", "--dry-run", "--json"]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.argv.slice(1, 6)).toEqual(["run", "--detach", "-n", plan.run, "modal/app.py"]);
    expect(plan.argv.slice(6)).toEqual([
      "--action",
      "train",
      "--config",
      "configs/smoke_test.yaml",
      "--run",
      plan.run,
    ]);
    expect(plan.env).toEqual(
      expect.arrayContaining(["BGB_LAUNCH_SPEC", "MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET"]),
    );
    expect(plan.preflight.length).toBeGreaterThanOrEqual(12);
    for (const c of plan.preflight) {
      expect(Object.keys(c)).toEqual(["check", "ok", "message", "fix"]);
      expect(c.ok, `${c.check}: ${c.message}`).toBe(true);
    }
    expect(plan.estimate_usd).toBe(0.63);
    expect(plan.estimate.price_date).toBe("2026-11-01");
    expect(plan.dataset_versions).toEqual({ tuh: tuhManifest().version });
    expect(plan.launch_spec).toMatchObject({ limit_files: 50, git_dirty: false });
    expect(plan.git.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(repo.standinCalls().some((c) => c.argv?.[0] === "run")).toBe(false);
    expect(repo.registryLines()).toEqual([]);
  });

  test("--dry-run without a preset plans smoke; a real launch without one is a usage error", async () => {
    const r = await launch(["--dry-run", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ preset: "smoke", dry_run: true, ok: true });
    expect(r.stderr).toContain("no preset given: planning smoke");
    const bare = await launch([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/error: name a preset: pnpm launch <smoke\|full\|eval>/);
  });

  test("a full run without --yes and without a terminal is refused (exit 2)", async () => {
    const r = await launch(["full"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error: a full run costs about \$250\.00; refusing to launch it without confirmation: no terminal to ask on \(pass --yes\)/,
    );
    expect(repo.registryLines()).toEqual([]);
  });

  test("smoke launches, records the run, prints follow/stop/pull, and returns", async () => {
    const r = await launch(["smoke", "--name", "smoke-a"], { BGB_LIMIT_FILES: "7" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("launched smoke-a (ap-StandIn0123456789)");
    expect(r.stdout).toContain(
      "view    https://modal.com/apps/example-ws/main/ap-StandIn0123456789",
    );
    expect(r.stdout).toContain("follow  pnpm launch logs smoke-a -f");
    expect(r.stdout).toContain("stop    pnpm launch stop smoke-a");
    expect(r.stdout).toContain("pull    pnpm launch pull smoke-a");
    expect(r.stderr).toContain("  modal | BGB_RUN ");
    const events = repo.registryLines().filter((e) => e.run === "smoke-a");
    expect(events.map((e) => e.event)).toEqual(["launching", "app", "launched"]);
    expect(events[0]).toMatchObject({
      preset: "smoke",
      config_path: "configs/smoke_test.yaml",
      config_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      dataset_versions: { tuh: tuhManifest().version },
      gpu: "A100-80GB",
      git_sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      git_dirty: false,
    });
    expect(events[2]).toMatchObject({
      app_id: "ap-StandIn0123456789",
      url: "https://modal.com/apps/example-ws/main/ap-StandIn0123456789",
      function_call_id: "fc-StandIn01",
    });
    const run = repo.standinCalls().find((c) => c.argv?.[0] === "run");
    expect(run?.env).toContain("BGB_LAUNCH_SPEC");
    expect(run?.limit_files).toBeNull(); // the shell's BGB_LIMIT_FILES did not reach modal
    const files = readFileSync(join(repo.root, ".bgb", "runs.jsonl"), "utf8");
    expect(files).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  test("a second smoke while the first runs is refused; --yes launches it anyway", async () => {
    const apps = join(repo.home, "apps.json");
    writeFileSync(
      apps,
      JSON.stringify([
        {
          app_id: "ap-StandIn0123456789",
          description: "smoke-a",
          state: "ephemeral (detached)",
          tasks: "1",
          created_at: "2026-11-28T15:00:00+00:00",
          stopped_at: null,
        },
      ]),
    );
    const refused = await launch(["smoke", "--name", "smoke-b"], { STANDIN_APPS: apps });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(
      /FAIL\s+concurrent-run\s+another smoke run is still running: smoke-a \(running, ap-StandIn0123456789\)/,
    );
    expect(refused.stderr).toMatch(/error: preflight failed \(concurrent-run\): nothing launched/);
    const forced = await launch(["smoke", "--name", "smoke-b", "--yes"], { STANDIN_APPS: apps });
    expect(forced.code, forced.stderr).toBe(0);
    expect(
      repo
        .registryLines()
        .filter((e) => e.run === "smoke-b")
        .at(-1)?.event,
    ).toBe("launched");
  });

  test("full with --yes needs no question, and a reused run name is refused", async () => {
    const full = await launch(["full", "--yes", "--json"]);
    expect(full.code, full.stderr).toBe(0);
    const out = JSON.parse(full.stdout);
    expect(out).toMatchObject({
      launched: true,
      app_id: "ap-StandIn0123456789",
      segments: 5,
      max_attempts: 7, // 5 attempts for 100 h at 24 h each, 2 spare for preemptions
    });
    const again = await launch(["smoke", "--name", "smoke-a", "--dry-run"]);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/FAIL\s+run-name\s+run smoke-a already exists/);
  });
});

describe("on a terminal, a full run asks first", () => {
  test("answering no launches nothing (exit 1)", async () => {
    const r = await onTerminal(["full", "--name", "full-no"], "n", {
      cwd: repo.root,
      env: repo.env,
    });
    expect(r.output).toMatch(
      /Launch full-no on A100-80GB for about \$250\.00 \(price of 2026-11-01\)\? \[y\/N\]/,
    );
    expect(r.output).toContain("not launched");
    expect(r.code).toBe(1);
    expect(repo.registryLines().some((e) => e.run === "full-no")).toBe(false);
  });

  test("answering yes launches", async () => {
    const r = await onTerminal(["full", "--name", "full-yes"], "y", {
      cwd: repo.root,
      env: repo.env,
    });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("launched full-yes (ap-StandIn0123456789)");
  });
});
