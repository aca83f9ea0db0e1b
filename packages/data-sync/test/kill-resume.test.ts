import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
} from "@aws-sdk/client-s3";
import { type FaultProxy, generateTusz, startFaultProxy } from "@bgb/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
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

const CONCURRENCY = 4;
const PART = 5 * MiB;
/** At most this many payload bytes can be on the wire, unacknowledged, at any instant. */
const IN_FLIGHT_BOUND = CONCURRENCY * PART;

let src: string;
let proxy: FaultProxy;
let total = 0;
beforeAll(async () => {
  src = tempDir("kill");
  const summary = await generateTusz({
    root: src,
    seed: 11,
    files: 8,
    sizes: { minBytes: 12 * MiB, maxBytes: 36 * MiB },
  });
  total = summary.bytesTotal;
  proxy = await startFaultProxy({ upstream: s3.endpoint });
});
afterAll(async () => {
  await proxy.stop();
  cleanup(src);
});

const args = (bucket: string, state: string, bwlimit = "40MiB") =>
  syncArgs("tuh", src, bucket, state, [
    "--part-size",
    "5MiB",
    "--concurrency",
    String(CONCURRENCY),
    "--bwlimit",
    bwlimit,
  ]);

const payloadSent = () =>
  proxy.stats.bytesForwarded.UploadPart + proxy.stats.bytesForwarded.PutObject;

async function bytesHeldByServer(bucket: string): Promise<number> {
  let held = 0;
  const objects = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "ds/" }));
  for (const o of objects.Contents ?? []) held += o.Size ?? 0;
  const ups = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "ds/" }));
  for (const u of ups.Uploads ?? []) {
    const parts = await client.send(
      new ListPartsCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }),
    );
    for (const p of parts.Parts ?? []) held += p.Size ?? 0;
  }
  return held;
}

test("one SIGKILL mid-upload: the re-run sends only what the server did not have, plus at most the parts in flight", async () => {
  const bucket = await newBucket();
  const state = tempDir("state");
  proxy.resetStats();
  // Killed once a quarter of the bytes went out (by its own stats line), so the kill lands
  // mid-transfer however slow the machine is today.
  const killed = await runCli("sync", [...args(bucket, state), "--progress-interval", "1"], {
    endpoint: proxy.endpoint,
    onLine: (l) => l.includes('"stats"') && JSON.parse(l).bytes_sent > total / 4,
  });
  expect(killed.signal).toBe("SIGKILL");
  const held = await bytesHeldByServer(bucket);
  expect(await openUploads(bucket, "ds/")).toBeGreaterThan(0); // the kill did land mid-multipart
  const sentBefore = payloadSent();

  proxy.resetStats();
  const resumed = await runCli("sync", args(bucket, state), { endpoint: proxy.endpoint });
  expect(resumed.code).toBe(0);
  const bytesSent = resumed.summary?.bytes_sent as number;
  expect(bytesSent).toBeLessThan(total);
  expect(bytesSent).toBeLessThanOrEqual(total - held + IN_FLIGHT_BOUND);
  // What went over the wire twice, over both runs, is bounded by what one instant can hold.
  const manifestBytes =
    proxy.stats.bytesForwarded.PutObject - (bytesSent - proxy.stats.bytesForwarded.UploadPart);
  expect(sentBefore + payloadSent() - manifestBytes - total).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
  expect(resumed.events.some((e) => e.event === "file_done" && e.outcome === "resumed")).toBe(true);
  await expectBucketMatches(bucket, "ds/", src);
  expect(await openUploads(bucket, "ds/")).toBe(0);
  cleanup(state);
});

test("20 SIGKILLs at random instants on one dataset, then a run to the end: same result", async () => {
  const bucket = await newBucket();
  const state = tempDir("state");
  proxy.resetStats();
  let kills = 0;
  // Deterministic "random" instants so a failure can be replayed.
  let seed = 20261128;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 20; i++) {
    // Slow enough that 20 runs cannot finish the dataset: every kill lands mid-transfer.
    const r = await runCli("sync", args(bucket, state, "6MiB"), {
      endpoint: proxy.endpoint,
      killAfterMs: 900 + Math.floor(rand() * 1600),
    });
    if (r.signal === "SIGKILL") kills++;
    else expect(r.code).toBe(0); // finished before its kill: fine, later runs skip
  }
  expect(kills).toBeGreaterThanOrEqual(15);
  const last = await runCli("sync", args(bucket, state), { endpoint: proxy.endpoint });
  expect(last.code).toBe(0);
  await expectBucketMatches(bucket, "ds/", src);
  expect(await openUploads(bucket, "ds/")).toBe(0);
  const manifestPuts = proxy.stats.requests.PutObject; // upper bound on manifest writes, tiny anyway
  expect(payloadSent() - total).toBeLessThanOrEqual(
    kills * IN_FLIGHT_BOUND + manifestPuts * 64 * 1024,
  );
  cleanup(state);
});
