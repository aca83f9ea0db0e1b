// The REAL modal CLI (modal/.venv, the project's pinned modal) parses every argv the launcher
// builds. It is pointed at an unreachable server, so each command must get past argument
// parsing and fail only when connecting ("Could not connect to the Modal server"), never with a
// usage error. modal retries the connection for ~63 s, so all commands run at once; on a loaded
// 2-core machine thirteen Python start-ups add a minute or more, hence the generous limits.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildLaunchSpec, SPEC_ENV } from "../../src/plan/launch-spec.ts";
import {
  APP_PATH,
  appListArgv,
  appLogsArgv,
  appStopArgv,
  modalRunArgv,
  modalVersionArgv,
  runJsonArgv,
  secretListArgv,
  stopRequestArgv,
  volumeGetRunArgv,
} from "../../src/plan/modal-argv.ts";
import { type LaunchFlags, resolveRequest } from "../../src/plan/request.ts";
import { type CommandResult, runCommand } from "../../src/process/run-command.ts";
import { REPO_ROOT, VENV_MODAL, VENV_PYTHON } from "../helpers/paths.ts";
import { projectConfigs } from "../helpers/project.ts";

const c = projectConfigs();
const now = new Date("2026-11-28T15:00:00Z");
const VOLUME = c.launch.app.results_volume;
const APP = "ap-ParseCheck0123";
const home = mkdtempSync(join(tmpdir(), "bgb-modal-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function runArgv(preset: string, flags: LaunchFlags) {
  const req = resolveRequest(c.launch, preset, flags, now, "ab12");
  const spec = buildLaunchSpec(req, c.datasets, {
    gitSha: "0123456789abcdef0123456789abcdef01234567",
    gitDirty: false,
    trainerCommit: req.trainer.commit,
    trainerDirty: false,
    versions: Object.fromEntries(req.datasets.map((d) => [d, "e".repeat(64)])),
  });
  return { argv: modalRunArgv(VENV_MODAL, req), spec: JSON.stringify(spec) };
}

// Every command line the launcher can build, by the same functions the launcher uses.
const RUNS = {
  "run smoke": runArgv("smoke", {}),
  "run full": runArgv("full", {
    gpu: "H100",
    timeout: 3600,
    cpu: 4,
    memory: 8192,
  }),
  "run full --resume": runArgv("full", { resume: "full-20261101-000000-aaaa" }),
  "run eval": runArgv("eval", { checkpoint: "/results/full-x/checkpoints/best.pt", split: "eval" }),
};
const OTHERS: Record<string, string[]> = {
  "secret list --json": secretListArgv(VENV_MODAL),
  "app list --json": appListArgv(VENV_MODAL),
  "app logs": appLogsArgv(VENV_MODAL, APP, false),
  "app logs -f": appLogsArgv(VENV_MODAL, APP, true),
  "app stop -y": appStopArgv(VENV_MODAL, APP),
  "volume get (pull)": volumeGetRunArgv(VENV_MODAL, VOLUME, "full-x", join(home, "results"), false),
  "volume get --force (pull)": volumeGetRunArgv(
    VENV_MODAL,
    VOLUME,
    "full-x",
    join(home, "r"),
    true,
  ),
  "volume get run.json -": runJsonArgv(VENV_MODAL, VOLUME, "full-x"),
  "volume put --force (stop request)": stopRequestArgv(
    VENV_MODAL,
    VOLUME,
    "full-x",
    join(REPO_ROOT, "package.json"),
  ),
};

const WAIT_MS = 240_000;
const unreachable = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  MODAL_SERVER_URL: "http://127.0.0.1:9",
  MODAL_TOKEN_ID: "ak-x",
  MODAL_TOKEN_SECRET: "as-x",
  ...extra,
});

const results = new Map<string, Promise<CommandResult>>();

beforeAll(() => {
  if (!existsSync(VENV_MODAL)) {
    throw new Error(
      `${VENV_MODAL} is missing: create the project's Python environment with \`sh modal/scripts/venv.sh\``,
    );
  }
  const opts = (env: NodeJS.ProcessEnv) => ({ cwd: REPO_ROOT, env, timeoutMs: WAIT_MS });
  for (const [name, { argv, spec }] of Object.entries(RUNS)) {
    results.set(name, runCommand(argv, opts(unreachable({ [SPEC_ENV]: spec }))));
  }
  for (const [name, argv] of Object.entries(OTHERS)) {
    results.set(name, runCommand(argv, opts(unreachable())));
  }
});

const output = (r: CommandResult) => `${r.stdout}\n${r.stderr}`;

/** Past argument parsing, stopped only by the unreachable server (exit 1). */
function expectOnlyConnectionFailed(r: CommandResult): void {
  expect(output(r)).not.toMatch(/Usage:|No such option|Got unexpected extra|Missing argument/);
  expect(output(r)).toContain("Could not connect to the Modal server");
  expect(r.code).toBe(1);
}

describe("the real modal CLI accepts every launcher argv", () => {
  test("it is the pinned modal from modal/.venv", async () => {
    const r = await runCommand(modalVersionArgv(VENV_MODAL), { env: unreachable() });
    expect(r.stdout).toMatch(/modal client version: 1\.6\.\d+/);
  });

  test.each(Object.keys(RUNS))(
    "%s: --detach taken by Modal, then only the connection fails",
    async (name) => {
      const r = await (results.get(name) as Promise<CommandResult>);
      expectOnlyConnectionFailed(r);
      // Modal prints this only when it parsed --detach as its own option (before the script path).
      expect(r.stdout).toContain("running a local entrypoint in detached mode");
      // app.py imported with the launcher's BGB_LAUNCH_SPEC (it exits on an invalid spec)
      expect(output(r)).not.toContain(`${SPEC_ENV} is invalid`);
    },
    WAIT_MS + 10_000,
  );

  test.each(Object.keys(OTHERS))(
    "%s: only the connection fails",
    async (name) => expectOnlyConnectionFailed(await (results.get(name) as Promise<CommandResult>)),
    WAIT_MS + 10_000,
  );

  test("modal/app.py's own argument parser accepts the entrypoint arguments", () => {
    for (const { argv } of Object.values(RUNS)) {
      const appArgs = argv.slice(argv.indexOf(APP_PATH) + 1);
      const parsed = execFileSync(VENV_PYTHON, ["-c", PARSE_APP_ARGS, ...appArgs], {
        cwd: join(REPO_ROOT, "modal"),
        encoding: "utf8",
      });
      expect(JSON.parse(parsed)).toMatchObject({ run: appArgs[appArgs.indexOf("--run") + 1] });
    }
  });
});

const PARSE_APP_ARGS = `
import json, sys
from dataclasses import asdict
from bgb_modal.entry import parse_args
print(json.dumps(asdict(parse_args(sys.argv[1:]))))
`;

describe("a wrong argv fails on parsing", () => {
  test("an unknown Modal option is a usage error from the real CLI (exit 2, no connection)", async () => {
    const r = await runCommand([VENV_MODAL, "run", "--bogus", APP_PATH, "--action", "check"], {
      cwd: REPO_ROOT,
      env: unreachable(),
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: modal run[\s\S]*No such option '--bogus'/);
    expect(r.stderr).not.toContain("Could not connect");
  });

  test("app stop without an app id is a usage error", async () => {
    const r = await runCommand([VENV_MODAL, "app", "stop", "-y"], {
      env: unreachable(),
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Missing argument 'APP_IDENTIFIER'/);
  });

  test("the seed's `app.py --detach` reaches the app, whose parser rejects it", () => {
    let err = "";
    try {
      execFileSync(
        VENV_PYTHON,
        [
          "-c",
          PARSE_APP_ARGS,
          "--detach",
          "--action",
          "train",
          "--config",
          "configs/smoke_test.yaml",
        ],
        {
          cwd: join(REPO_ROOT, "modal"),
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    } catch (e) {
      err = String((e as { stderr?: string }).stderr);
    }
    expect(err).toMatch(/unrecognized arguments: --detach/);
  });
});
