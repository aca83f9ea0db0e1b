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
  await expectBucketMatches(bucket, "ds/", src);
  cleanup(src, state);
});
