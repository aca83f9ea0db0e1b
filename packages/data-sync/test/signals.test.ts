// `timeout`, a CI cancel, `kill <pid>` (SIGTERM) and a closed terminal (SIGHUP) reach the process
// the user started: `pnpm sync ...`, not the node under it. The root script `exec`s the bin, so
// pnpm's signal lands on it, and the sync must stop as Ctrl-C stops it: exit 130, parts in flight
// journaled, the lock released, the next run resuming (issue 15.2). `timeout` may send SIGTERM
// twice: only a second Ctrl-C means "leave now", so two SIGTERMs still stop cleanly.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateTusz } from "@bgb/testkit";
import { beforeAll, describe, expect, test } from "vitest";
import {
  datasetsWithoutCounts,
  expectBucketMatches,
  MiB,
  newBucket,
  openUploads,
  pkgDir,
  runCli,
  s3,
  syncArgs,
  tempDir,
} from "./support.ts";

const TSX = pathToFileURL(join(pkgDir, "..", "..", "node_modules", "tsx", "dist", "loader.mjs"));
let src: string;
let total = 0;
let project: string;
beforeAll(async () => {
  src = tempDir("signals");
  total = (
    await generateTusz({
      root: src,
      seed: 21,
      patients: 2,
      files: 4,
      sizes: { minBytes: 12 * MiB, maxBytes: 16 * MiB },
    })
  ).bytesTotal;
  // A project whose `sync` script ends like the root one (`exec node <bin>`), the bin from source.
  project = tempDir("signals-project");
  const bin = `node --import ${TSX.href} ${join(pkgDir, "src", "bin", "sync.ts")}`;
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "signals-fixture", private: true, scripts: { sync: `exec ${bin}` } }),
  );
});

const args = (bucket: string, state: string, bwlimit = "4MiB") => [
  ...syncArgs("tuh", src, bucket, state, [
    "--part-size",
    "5MiB",
    "--concurrency",
    "2",
    "--bwlimit",
    bwlimit,
    "--progress-interval",
    "1",
  ]),
  "--config",
  datasetsWithoutCounts(),
];

/** `pnpm sync ...`; `signals` are sent to pnpm's pid once the first bytes went out. */
function pnpmSync(
  cliArgs: string[],
  signals: NodeJS.Signals[],
): Promise<{ code: number | null; events: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("pnpm", ["sync", ...cliArgs], {
      cwd: project,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_REGION: s3.region,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        npm_config_update_notifier: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (b: Buffer) => {
      stdout += b;
      if (sent) return;
      const moving = stdout
        .split("\n")
        .some((l) => l.startsWith('{"event":"stats"') && JSON.parse(l).bytes_sent > 0);
      if (!moving) return;
      sent = true;
      // Apart, as `timeout -k` or a runner would send them: signals pending at once coalesce.
      for (const [i, s] of signals.entries()) {
        setTimeout(() => {
          if (child.exitCode === null) process.kill(child.pid as number, s);
        }, i * 150);
      }
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b;
    });
    child.on("close", (code) => {
      const events = stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, events, stderr });
    });
  });
}

describe.each([
  ["SIGHUP (a closed terminal)", ["SIGHUP"]],
  ["SIGTERM (timeout, kill, a CI cancel)", ["SIGTERM"]],
] as const)("%s to `pnpm sync`", (_, signals) => {
  test("stops like Ctrl-C: exit 130, lock released, the next run resumes", async () => {
    const bucket = await newBucket();
    const state = tempDir("state");
    const stopped = await pnpmSync(args(bucket, state), [...signals]);
    expect(stopped.code, stopped.stderr).toBe(130);
    const summary = stopped.events.find((e) => e.event === "summary");
    expect(summary).toMatchObject({ exit_code: 130, manifest_version: null });
    expect(summary?.bytes_sent as number).toBeLessThan(total);

    // The lock is free and the journal consistent: the same command continues, sends the rest.
    const resumed = await runCli("sync", args(bucket, state, "1GiB"));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.summary?.bytes_sent as number).toBeLessThan(total);
    // Nothing restarted from zero: over both runs, what went twice is at most the parts in flight.
    const sentTwice =
      (summary?.bytes_sent as number) + (resumed.summary?.bytes_sent as number) - total;
    expect(sentTwice).toBeLessThanOrEqual(2 * 5 * MiB);
    await expectBucketMatches(bucket, "ds/", src);
    expect(await openUploads(bucket, "ds/")).toBe(0);
  });
});

// The rule itself, in a process of its own: repeated SIGTERM/SIGHUP keep waiting for the clean
// stop; a second SIGINT leaves at once with 130.
function cancellationProbe(
  signals: NodeJS.Signals[],
): Promise<{ code: number | null; out: string }> {
  const runtime = pathToFileURL(join(pkgDir, "src", "cli", "runtime.ts")).href;
  const script = `
    const { cancellation } = await import(${JSON.stringify(runtime)});
    const signal = cancellation();
    signal.addEventListener("abort", () => console.log("aborted"));
    const sigs = ${JSON.stringify(signals)};
    for (const s of sigs) {
      process.kill(process.pid, s);
      await new Promise((r) => setImmediate(r)); // each handled before the next is sent
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log("still here");
  `;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", TSX.href, "--input-type=module", "-e", script],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b;
    });
    child.on("close", (code) => resolve({ code, out }));
  });
}

test("SIGTERM or SIGHUP three times: aborted once, the clean stop goes on", async () => {
  for (const sig of ["SIGTERM", "SIGHUP"] as const) {
    const r = await cancellationProbe([sig, sig, sig]);
    expect(r).toEqual({ code: 0, out: "aborted\nstill here\n" });
  }
});

test("a second Ctrl-C leaves at once with 130", async () => {
  const r = await cancellationProbe(["SIGINT", "SIGINT"]);
  expect(r).toEqual({ code: 130, out: "aborted\n" });
});
