// `timeout`, a CI cancel and `kill <pid>` send SIGTERM (a closed terminal, SIGHUP) to the process
// the user started: `pnpm launch ...`, not the node process under it. pnpm forwards SIGTERM and
// SIGHUP only to its script's own process, so the root script must `exec` the bin; otherwise
// `sh` dies and the launcher keeps going, re-parented, with its modal child (issue 15.2).
// Here the real pnpm runs a launch whose modal hangs before the run starts; the signal goes to
// pnpm's pid, and the launch must end as Ctrl-C ends it: exit 130, app stopped, recorded aborted,
// no process of it left.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { BIN, REPO_ROOT, tsxLoader } from "../helpers/paths.ts";
import { waitFor } from "../helpers/run-bin.ts";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.ts";

const rootScripts = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"))
  .scripts as Record<string, string>;

let repo: TempRepo;
beforeAll(async () => {
  repo = await makeTempRepo(inject("s3"));
  // The temp project runs the same command the root `launch` script ends with (`exec node <bin>`),
  // with the bin from source: this checkout's package.json cannot run in another folder.
  const bin = `node --import ${tsxLoader()} ${BIN}`;
  writeFileSync(
    join(repo.root, "package.json"),
    JSON.stringify({ name: "signals-fixture", private: true, scripts: { launch: `exec ${bin}` } }),
  );
});
/** Every process a test saw, killed at the end if a failed assertion left it running. */
const seen = new Set<number>();
afterAll(() => {
  for (const pid of [...seen].filter(alive)) process.kill(pid, "SIGKILL");
  repo.cleanup();
});

test("the root scripts exec their CLI, so it is the process pnpm signals", () => {
  for (const name of ["launch", "sync", "data-sync"]) {
    const last = rootScripts[name]?.split("&&").at(-1)?.trim();
    expect(last, `package.json scripts.${name}`).toMatch(/^exec node /);
  }
});

/** Pids of every process under `pid` (Linux /proc: the parent is field 4 of /proc/<pid>/stat). */
function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ")" ends it.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const under = (p: number): boolean => {
    for (let q = parentOf.get(p); q !== undefined && q > 1; q = parentOf.get(q)) {
      if (q === pid) return true;
    }
    return false;
  };
  return [...parentOf.keys()].filter(under);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // Reaped or a zombie waiting for its parent: either way it runs no more.
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

function startPnpmLaunch(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn("pnpm", ["launch", ...args], {
    cwd: repo.root,
    env: { ...repo.env, STANDIN_MODE: "hang", npm_config_update_notifier: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (b) => {
    stderr += b;
  });
  child.stdout?.resume();
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on("close", (code) => resolve({ code, stderr }));
  });
  return { child, done };
}

describe.each(["SIGTERM", "SIGHUP"] as const)("%s to `pnpm launch`", (signal) => {
  test("stops the launch like Ctrl-C: exit 130, app stopped, recorded aborted, nothing left running", async () => {
    const run = `sig-${signal.toLowerCase()}`;
    const p = startPnpmLaunch(["smoke", "--name", run]);
    await waitFor(
      () => repo.registryLines().some((e) => e.run === run && e.event === "app"),
      60_000,
      "the app id to be recorded",
    );
    const pnpmPid = p.child.pid as number;
    const under = descendantsOf(pnpmPid);
    for (const pid of [pnpmPid, ...under]) seen.add(pid);
    // The bin itself, exec'd by pnpm's sh: no shell stands between pnpm and it.
    const launcher = under.filter((pid) => cmdline(pid).includes(BIN));
    expect(launcher).toHaveLength(1);
    expect(under.filter((pid) => /^(ba|da)?sh\b/.test(cmdline(pid)))).toEqual([]);
    const modalRun = repo
      .standinCalls()
      .filter((c) => c.argv?.[0] === "run")
      .map((c) => (c as { pid?: number }).pid as number);
    expect(modalRun.some(alive)).toBe(true);

    process.kill(pnpmPid, signal);
    const r = await p.done;

    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(
      /error: interrupted before the run started; app ap-StandIn0123456789 stopped \(recorded as aborted/,
    );
    expect(
      repo
        .registryLines()
        .filter((e) => e.run === run)
        .at(-1),
    ).toMatchObject({ event: "status", status: "aborted" });
    // No orphan: neither the launcher nor any modal process it started is still running.
    expect(under.filter(alive)).toEqual([]);
    const started = repo.standinCalls().map((c) => (c as { pid?: number }).pid as number);
    expect(started.filter(alive)).toEqual([]);
  });
});

test("a usage error through pnpm is still exit 2 (pnpm passes the bin's code on)", () => {
  let code = 0;
  try {
    execFileSync("pnpm", ["launch", "status"], {
      cwd: repo.root,
      env: { ...repo.env, npm_config_update_notifier: "false" },
      stdio: "ignore",
    });
  } catch (e) {
    code = (e as { status: number }).status;
  }
  expect(code).toBe(2);
});
