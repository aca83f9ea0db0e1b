// Issue 14.7: the journal lock is exclusive, also when two starts race to take over a stale one;
// a journal that can't be used fails cleanly (exit 3) without leaving the lock.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { bucketOnly, newBucket, pkgDir, runCli, syncArgs, targetArgs, tempDir } from "./support.ts";

interface Counts {
  held: number;
  busy: number;
  tookOver: number;
  overlaps: number;
  stale: number;
}

function racer(args: string[]): {
  ready: Promise<void>;
  done: Promise<{ code: number | null; counts?: Counts; stderr: string }>;
} {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(pkgDir, "test/fixtures/lock-race.ts"), ...args],
    {
      cwd: pkgDir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes("ready\n")) onReady();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<{ code: number | null; counts?: Counts; stderr: string }>((resolve) =>
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      resolve({ code, stderr: err, ...(last.startsWith("{") ? { counts: JSON.parse(last) } : {}) });
    }),
  );
  return { ready, done };
}

test("two processes racing for the journal lock 600 times each: never both inside, no crash, stale locks taken over", async () => {
  const dir = tempDir("lock");
  const lockPath = join(dir, "j.jsonl.lock");
  const go = join(dir, "go");
  // A pid that certainly belonged to a process that has exited.
  const deadPid = String(spawnSync(process.execPath, ["-e", ""]).pid);
  const args = [lockPath, join(dir, "inside"), go, "600", deadPid];
  const a = racer(args);
  const b = racer(args);
  await Promise.all([a.ready, b.ready]);
  writeFileSync(go, "");
  const results = await Promise.all([a.done, b.done]);
  for (const r of results) {
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }
  const total = (k: keyof Counts) => results.reduce((n, r) => n + (r.counts?.[k] ?? 0), 0);
  expect(total("overlaps")).toBe(0);
  // both really contended: each held it, each was turned away, stale locks were taken over
  for (const r of results) expect(r.counts?.held).toBeGreaterThan(0);
  expect(total("busy")).toBeGreaterThan(0);
  expect(total("tookOver")).toBeGreaterThan(0);
  expect(total("held") + total("busy")).toBe(1200);
});

test("a journal that is a directory: exit 3 naming it, and no lock left behind", async () => {
  const src = tempDir("jdir");
  writeFileSync(join(src, "a.edf"), "a");
  const state = tempDir("state");
  const bucket = await newBucket();
  const args = syncArgs("tuh", src, bucket, state, ["--include", "**"]);
  expect((await runCli("sync", args)).code).toBe(0);
  const jdir = join(state, "journals");
  const journal = readdirSync(jdir).find((f) => f.endsWith(".jsonl")) as string;
  rmSync(join(jdir, journal));
  mkdirSync(join(jdir, journal));
  for (const cmd of [
    ["sync", args],
    ["data-sync", ["gc", ...bucketOnly(targetArgs("tuh", src, bucket, state))]],
  ] as const) {
    const r = await runCli(cmd[0], [...cmd[1]]);
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toContain(`journal ${join(jdir, journal)} is a directory`);
    expect(readdirSync(jdir).filter((f) => f.includes(".lock"))).toEqual([]);
  }
});
