// Help and usage errors as a user meets them (issue 15.3, 15.8): every --help leads with
// examples and ends with the exit table; `help` where a dataset goes is help; verify and gc
// offer only flags that do something there; usage errors of every subcommand exit 2, and
// under --json print one error event and nothing else.
import { EXIT_TABLE } from "@bgb/shared/cli";
import { describe, expect, test } from "vitest";
import { runCli } from "./support.ts";

const examplesOf = (help: string) => help.split("\nExamples:\n")[1]?.split("\n\n")[0] ?? "";

describe.concurrent("--help of every command: an example, then the exit table", () => {
  test.each([
    ["sync", [], "pnpm sync tuh --dry-run"],
    ["data-sync", [], "pnpm data-sync sync tuh"],
    ["data-sync", ["sync"], "pnpm data-sync sync tuh --dry-run"],
    ["data-sync", ["status"], "pnpm data-sync status tuh"],
    ["data-sync", ["verify"], "pnpm data-sync verify tuh"],
    ["data-sync", ["gc"], "pnpm data-sync gc tuh --dry-run"],
    ["data-sync", ["report"], "pnpm data-sync report tuh"],
  ] as const)("%s %j --help", async (bin, cmd, example) => {
    const r = await runCli(bin, [...cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(examplesOf(r.stdout).split("\n")[0]).toContain(example);
    for (const row of EXIT_TABLE) expect(r.stdout).toContain(row.meaning);
  });
});

describe.concurrent("`help` is help, not a dataset", () => {
  test.each([
    ["sync", ["help"], "Usage: sync [options] <dataset>"],
    ["sync", ["help", "tuh"], "Usage: sync [options] <dataset>"],
    ["data-sync", ["help"], "Usage: data-sync [options] [command]"],
    ["data-sync", ["help", "verify"], "Usage: data-sync verify [options] <dataset>"],
    ["data-sync", ["verify", "help"], "Usage: data-sync verify [options] <dataset>"],
    ["data-sync", ["sync", "help"], "Usage: data-sync sync [options] <dataset>"],
  ] as const)("%s %j", async (bin, args, usage) => {
    const r = await runCli(bin, [...args]);
    expect(r.stderr).not.toMatch(/unknown dataset/);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(usage)).toBe(true);
  });
});

describe.concurrent("verify and gc offer only the flags they use", () => {
  test.each(["verify", "gc"])("%s", async (cmd) => {
    const help = await runCli("data-sync", [cmd, "--help"]);
    for (const flag of ["--source", "--include", "--exclude"])
      expect(help.stdout).not.toContain(flag);
    for (const flag of ["--bucket", "--prefix", "--endpoint", "--state-dir"])
      expect(help.stdout).toContain(flag);
    const r = await runCli("data-sync", [cmd, "tuh", "--source", "/data/tusz", "--json"]);
    expect(r.code).toBe(2);
    expect(r.events).toEqual([
      { event: "error", message: "unknown option '--source'", exit_code: 2 },
    ]);
  });
});

describe.concurrent("usage errors of status, verify and gc: exit 2, one JSON error event", () => {
  test.each([
    ["status", ["--frobnicate"], /unknown option '--frobnicate'/],
    ["verify", ["--frobnicate"], /unknown option '--frobnicate'/],
    ["gc", ["--frobnicate"], /unknown option '--frobnicate'/],
    ["status", ["--concurrency", "0x10"], /--concurrency/],
    ["verify", ["--concurrency", "many"], /--concurrency/],
    ["gc", ["--request-timeout", "-5"], /--request-timeout/],
    ["verify", ["--prefix", "no-slash"], /--prefix/],
    ["gc", [], /missing required argument 'dataset'/],
  ] as const)("%s %j", async (cmd, args, message) => {
    const dataset = args.length ? ["tuh"] : [];
    const r = await runCli("data-sync", [cmd, ...dataset, ...args, "--json"], {
      env: { BGB_STATE_DIR: "/nonexistent-never-created" },
    });
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ event: "error", exit_code: 2 });
    expect(r.events[0]?.message).toMatch(message);
    expect(r.stderr).toBe("");
  });
});
