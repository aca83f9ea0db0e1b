// Every row of the project's one exit table (@bgb/shared EXIT_TABLE, README "Exit codes") as
// `pnpm launch` produces it, through the real bin, with and without --json: a script reading the
// status or stdout must learn the same thing (issue 15.3). Plus --help and --version of each
// command (issue 15.8).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT, EXIT_TABLE, type ExitName } from "@bgb/shared";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { type BinResult, runBin, startBin, waitFor } from "../helpers/run-bin.ts";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.ts";

let repo: TempRepo;
beforeAll(async () => {
  repo = await makeTempRepo(inject("s3"));
});
afterAll(() => repo.cleanup());

const bin = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runBin(args, { cwd: repo.root, env: { ...repo.env, ...env } });

/** With --json the last stdout line is the error event, carrying the same code as the exit. */
function errorEvent(r: BinResult): { event: string; message: string; exit_code: number } {
  const last = r.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last);
}

const tested = new Set<ExitName>();

describe("0 ok", () => {
  test("list --local, --version, --help", async () => {
    tested.add("ok");
    expect((await bin(["list", "--local", "--json"])).code).toBe(EXIT.ok);
    const v = await bin(["--version"]);
    expect(v).toMatchObject({ code: EXIT.ok, stdout: "bgb-launch 0.1.0\n" });
    expect((await bin(["status", "--help"])).code).toBe(EXIT.ok);
  });
});

describe("1 failed", () => {
  test("modal exits with an error before the run starts", async () => {
    tested.add("failed");
    const r = await bin(["smoke", "--name", "exit-1", "--json"], { STANDIN_MODE: "error" });
    expect(r.code).toBe(EXIT.failed);
    expect(errorEvent(r)).toMatchObject({ event: "error", exit_code: EXIT.failed });
    expect(errorEvent(r).message).toMatch(/^modal exited with code 1 before the run started/);
  });
});

describe("2 usage", () => {
  // Each subcommand's usage errors: exit 2 (not commander's 1), the message on stderr and, with
  // --json, a JSON error on stdout.
  test.concurrent.each([
    [["status"], "missing required argument 'run'"],
    [["logs"], "missing required argument 'run'"],
    [["stop"], "missing required argument 'run'"],
    [["pull"], "missing required argument 'run'"],
    [["validate", "--bogus"], "unknown option '--bogus'"],
    [["status", "a-run", "extra"], "too many arguments for 'status'"],
    [["list", "--follow"], "unknown option '--follow'"],
    [["smoke", "--timeout", "soon"], "--timeout expects a whole number"],
    [["smok"], 'unknown preset or command "smok"'],
  ])("%j", async (args, message) => {
    tested.add("usage");
    const json = await bin([...args, "--json"]);
    expect(json.code).toBe(EXIT.usage);
    expect(json.stderr).toContain(message);
    expect(errorEvent(json)).toMatchObject({ event: "error", exit_code: EXIT.usage });
    expect(errorEvent(json).message).toContain(message);
  });

  test("without --json stdout stays empty", async () => {
    const plain = await bin(["logs"]);
    expect(plain).toMatchObject({ code: EXIT.usage, stdout: "" });
    expect(plain.stderr).toMatch(/^error: missing required argument 'run'$/m);
  });

  test("flag values that no probe can change are refused before any probe runs", async () => {
    const calls = repo.standinCalls().length;
    const cases = [
      [
        ["--gpu", "a100-80gb"],
        '--gpu "a100-80gb" is not in configs/gpus.yaml (did you mean A100-80GB?)',
      ],
      [["--timeout", "90000"], "--timeout 90000 is outside 60..86400 s"],
      [
        ["--config", "configs/tusz_train_a10.yaml"],
        "--config configs/tusz_train_a10.yaml: no such file",
      ],
      [["--config", "../x.yaml"], "--config ../x.yaml is not under configs/"],
    ] as const;
    const results = await Promise.all(
      cases.map(([args]) => bin(["full", ...args, "--dry-run", "--json"])),
    );
    cases.forEach(([, message], i) => {
      const r = results[i] as BinResult;
      expect(r.code).toBe(EXIT.usage);
      expect(errorEvent(r).message).toContain(message);
      expect(r.stderr).not.toContain("preflight:"); // reported before the preflight started
    });
    expect(repo.standinCalls().length).toBe(calls); // modal was never asked anything
  });

  test("a YAML alias bomb in a project config is a config error, not a crash", async () => {
    const file = join(repo.root, "configs", "gpus.yaml");
    const original = readFileSync(file, "utf8");
    const levels = "abcdefgh".split("");
    writeFileSync(
      file,
      levels
        .map((l, i) =>
          i === 0
            ? `${l}: &${l} [x, x, x, x, x, x, x, x, x]`
            : `${l}: &${l} [${Array(9)
                .fill(`*${levels[i - 1]}`)
                .join(", ")}]`,
        )
        .join("\n"),
    );
    try {
      const r = await bin(["smoke", "--dry-run", "--json"]);
      expect(r.code).toBe(EXIT.usage);
      expect(errorEvent(r)).toMatchObject({
        event: "error",
        exit_code: EXIT.usage,
        lines: ["configs/gpus.yaml: too many YAML aliases (more than 100 expansions): refused"],
      });
      const v = await bin(["validate", "configs/gpus.yaml"]);
      expect(v.code).toBe(EXIT.usage);
      expect(v.stderr).toContain("configs/gpus.yaml: too many YAML aliases");
      expect(v.stderr).not.toMatch(/unexpected|\n\s+at /);
    } finally {
      writeFileSync(file, original);
    }
  });
});

describe("3 environment", () => {
  test("no modal CLI", async () => {
    tested.add("environment");
    const r = await bin(["smoke", "--dry-run", "--json"], {
      BGB_MODAL_BIN: join(repo.root, "no-modal-here"),
    });
    expect(r.code).toBe(EXIT.environment);
    const plan = JSON.parse(r.stdout); // the plan, with the failed check, is the document
    expect(plan.preflight.find((c: { check: string }) => c.check === "modal-cli").ok).toBe(false);
  });
});

describe("130 interrupted", () => {
  test.concurrent.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)(
    "%s while modal starts",
    async (signal) => {
      tested.add("interrupted");
      const run = `exit-${signal.toLowerCase()}`;
      const p = startBin(["smoke", "--name", run, "--json"], {
        cwd: repo.root,
        env: { ...repo.env, STANDIN_MODE: "hang" },
      });
      await waitFor(
        () => repo.registryLines().some((e) => e.run === run && e.event === "app"),
        60_000,
        "the app id to be recorded",
      );
      p.child.kill(signal);
      const r = await p.done;
      expect(r.code).toBe(EXIT.interrupted);
      expect(errorEvent(r)).toMatchObject({ event: "error", exit_code: EXIT.interrupted });
      expect(
        repo
          .registryLines()
          .filter((e) => e.run === run)
          .at(-1),
      ).toMatchObject({
        status: "aborted",
      });
    },
  );
});

test("every row of the exit table has its case above", () => {
  expect([...tested].sort()).toEqual(EXIT_TABLE.map((r) => r.name).sort());
});

describe("--help of every command shows an example and the exit table", () => {
  test.concurrent.each([
    [[], "pnpm launch smoke"],
    [["validate"], "pnpm launch validate"],
    [["list"], "pnpm launch list"],
    [["status"], "pnpm launch status "],
    [["logs"], "pnpm launch logs "],
    [["stop"], "pnpm launch stop "],
    [["pull"], "pnpm launch pull "],
  ])("%j --help", async (cmd, example) => {
    const r = await bin([...cmd, "--help"]);
    expect(r.code).toBe(EXIT.ok);
    const examples = r.stdout.split("\nExamples:\n")[1] ?? "";
    expect(examples.split("\n")[0]).toContain(example);
    for (const row of EXIT_TABLE) expect(r.stdout).toContain(row.meaning);
  });
});
