// End to end against the real local versitygw: what a user relies on after `pnpm sync`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { generateTusz, startFaultProxy } from "@bgb/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  cleanup,
  client,
  expectBucketMatches,
  MiB,
  newBucket,
  openUploads,
  runCli,
  s3,
  syncArgs,
  tempDir,
} from "./support.ts";

describe("sync of a TUSZ-shaped tree", () => {
  let src: string;
  let state: string;
  beforeAll(async () => {
    src = tempDir("src");
    state = tempDir("state");
    await generateTusz({
      root: join(src, "tusz"),
      seed: 7,
      files: 12,
      sizes: { minBytes: 64 * 1024, maxBytes: 24 * MiB },
    });
  });
  afterAll(() => cleanup(src, state));

  test("uploads every file byte-identical, writes the manifest, and a re-run sends nothing", async () => {
    const bucket = await newBucket();
    const first = await runCli(
      "sync",
      syncArgs("tuh", join(src, "tusz"), bucket, state, ["--part-size", "5MiB"]),
    );
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const sum = first.summary as Record<string, number>;
    expect(sum.files_failed).toBe(0);
    expect(sum.files_uploaded).toBe(sum.files_total);
    expect(sum.bytes_sent).toBe(sum.bytes_total);
    await expectBucketMatches(bucket, "ds/", join(src, "tusz"));
    const m = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.json" }),
    );
    const manifest = JSON.parse(await (m.Body as NonNullable<typeof m.Body>).transformToString());
    expect(manifest.files_total).toBe(sum.files_total);
    expect(manifest.counts.train + manifest.counts.dev + manifest.counts.eval).toBe(12);
    expect(first.summary?.manifest_version).toBe(manifest.version);
    expect(await openUploads(bucket, "ds/")).toBe(0);

    const again = await runCli("sync", syncArgs("tuh", join(src, "tusz"), bucket, state));
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({
      files_uploaded: 0,
      files_skipped: sum.files_total,
      bytes_sent: 0,
    });
  });

  test("--json: newline-delimited events, periodic stats with rate and ETA, the summary last", async () => {
    const bucket = await newBucket();
    const r = await runCli(
      "sync",
      syncArgs("tuh", join(src, "tusz"), bucket, tempDir("st"), [
        "--bwlimit",
        "16MiB",
        "--progress-interval",
        "1",
      ]),
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.every((l) => JSON.parse(l).event)).toBe(true);
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ event: "summary", exit_code: 0 });
    const stats = r.events.filter((e) => e.event === "stats");
    expect(stats.length).toBeGreaterThan(0);
    expect(
      stats.some((s) => (s.rate_bytes_per_s as number) > 0 && typeof s.eta_s === "number"),
    ).toBe(true);
  });

  test("--dry-run prints the plan with totals, requests and monthly cost, and sends nothing", async () => {
    const bucket = await newBucket();
    const r = await runCli("sync", [
      "tuh",
      "--source",
      join(src, "tusz"),
      "--bucket",
      bucket,
      "--prefix",
      "ds/",
      "--state-dir",
      tempDir("st"),
      "--dry-run",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plan: 24 files, .*24 to upload/);
    expect(r.stdout).toMatch(/to send: .* in about \d+ requests to s3:\/\//);
    expect(r.stdout).toMatch(/storage: STANDARD about \$[\d.]+\/month/);
    expect(await openUploads(bucket, "ds/")).toBe(0);
  });
});

test("a re-run on an unchanged 10,000-file tree sends no object request per file (one HEAD each for the manifest and the report)", async () => {
  const src = tempDir("many");
  const state = tempDir("state");
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(src, `d${d}`));
    for (let f = 0; f < 100; f++) writeFileSync(join(src, `d${d}`, `f${f}.csv`), `${d},${f}\n`);
  }
  const bucket = await newBucket();
  const proxy = await startFaultProxy({ upstream: s3.endpoint });
  try {
    const first = await runCli(
      "sync",
      syncArgs("tuh", src, bucket, state, ["--include", "**", "--concurrency", "32"]),
      {
        endpoint: proxy.endpoint,
      },
    );
    expect(first.code).toBe(0);
    expect(first.summary?.files_uploaded).toBe(10_000);
    expect(proxy.stats.requests.PutObject).toBe(10_002); // the files, the manifest, the report
    proxy.resetStats();
    const again = await runCli("sync", syncArgs("tuh", src, bucket, state, ["--include", "**"]), {
      endpoint: proxy.endpoint,
    });
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ files_skipped: 10_000, bytes_sent: 0 });
    const objectRequests = Object.entries(proxy.stats.requests)
      .filter(([op]) => op !== "Other" && op !== "HeadObject")
      .reduce((n, [, c]) => n + c, 0);
    expect(objectRequests).toBe(0);
    expect(proxy.stats.requests.HeadObject).toBe(2); // are the manifest and the report still there?
    expect(proxy.stats.requests.Other).toBeLessThanOrEqual(1); // the bucket check
  } finally {
    await proxy.stop();
    cleanup(src, state);
  }
});
