// Peak resident memory stays under the default 256 MiB budget while syncing a tree that holds
// a file larger than the budget (measured by the process itself: resourceUsage().maxRSS).
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import {
  cleanup,
  expectBucketMatches,
  MiB,
  newBucket,
  runCli,
  syncArgs,
  tempDir,
} from "./support.ts";

test("a 384 MiB file, mid-size and small ones sync within the default --max-memory of 256 MiB", async () => {
  const src = tempDir("mem");
  const state = tempDir("state");
  const fd = openSync(join(src, "big.edf"), "w");
  const block = Buffer.alloc(4 * MiB);
  for (let i = 0; i < 96; i++) {
    block.fill(i);
    writeSync(fd, block);
  }
  closeSync(fd);
  for (let i = 0; i < 200; i++) writeFileSync(join(src, `small-${i}.csv`), `${i}\n`.repeat(1000));
  // Mid-size files (single PUTs of 0.6-15 MiB) were what once pushed the peak over the budget.
  for (let i = 0; i < 32; i++)
    writeFileSync(join(src, `mid-${i}.edf`), Buffer.alloc(600 * 1024 + i * 470 * 1024, i));
  const bucket = await newBucket();
  const r = await runCli("sync", syncArgs("tuh", src, bucket, state, ["--include", "**"]));
  expect(r.code).toBe(0);
  expect(r.summary?.bytes_total).toBeGreaterThan(256 * MiB);
  const peak = r.summary?.peak_rss_bytes as number;
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThan(256 * MiB);
  // Parts queued behind the ~5 in flight are back-pressure, not a starved run: no "raise it".
  expect(r.events.filter((e) => e.event === "memory_wait" && e.reason === "budget")).toEqual([]);
  await expectBucketMatches(bucket, "ds/", src);
  cleanup(src, state);
});

test("a --max-memory that leaves room for little file data: memory_wait says so, the run completes", async () => {
  const src = tempDir("memwait");
  const state = tempDir("state");
  // 10 files of 16 MiB, one 16 MiB read each: a budget that holds one read at a time starves
  // the other workers (a budget that holds two or more is back-pressure and not reported)
  for (let i = 0; i < 10; i++) writeFileSync(join(src, `f${i}.edf`), Buffer.alloc(16 * MiB, i));
  const bucket = await newBucket();
  // --bwlimit: the run lasts seconds whatever the machine, so a wait outlasts the 1 s threshold
  const base = ["--include", "**", "--part-size", "16MiB", "--bwlimit", "40MiB"];
  // The smallest --max-memory the CLI accepts (room for one part) depends on what this process
  // occupies: ask it, then give half a part more: the start-up size varies by a few MiB between
  // runs (GC timing, load), and either way must still leave one read and not two (it was 12 MiB
  // more, and a run starting 4 MiB smaller had room for two reads: nothing to report, a flake).
  const refused = await runCli(
    "sync",
    syncArgs("tuh", src, bucket, state, [...base, "--max-memory", "8MiB"]),
  );
  expect(refused.code).toBe(2);
  const need = Number(/give at least (\d+)MiB/.exec(refused.stdout + refused.stderr)?.[1]);
  expect(need).toBeGreaterThan(8);
  const maxMemory = `${need + 8}MiB`;
  const r = await runCli(
    "sync",
    syncArgs("tuh", src, bucket, state, [...base, "--max-memory", maxMemory]),
  );
  expect(r.code).toBe(0);
  const waits = r.events.filter((e) => e.event === "memory_wait");
  expect(waits[0]).toMatchObject({ waiting: true, max_memory: (need + 8) * MiB });
  expect(["budget", "resident"]).toContain(waits[0]?.reason);
  expect(waits.at(-1)).toMatchObject({ waiting: false });
  expect(r.events.filter((e) => e.event === "file_done")).toHaveLength(10);
  await expectBucketMatches(bucket, "ds/", src);
  cleanup(src, state);
});
