// Faults between the tool and the bucket, and in its own journal: each ends in a correct bucket.
import {
  appendFileSync,
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { type FaultProxy, generateTusz, startFaultProxy } from "@bgb/testkit";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import {
  expectBucketMatches,
  MiB,
  newBucket,
  openUploads,
  runCli,
  s3,
  syncArgs,
  tempDir,
} from "./support.ts";

let src: string;
let proxy: FaultProxy;
const state = () => tempDir("state");
beforeAll(async () => {
  src = tempDir("faults");
  await generateTusz({
    root: src,
    seed: 3,
    patients: 3,
    files: 4,
    sizes: { minBytes: 11 * MiB, maxBytes: 14 * MiB },
  });
  proxy = await startFaultProxy({ upstream: s3.endpoint });
});
afterEach(() => proxy.setRules([]));
afterAll(async () => {
  await proxy.stop();
});
const run = (bucket: string, st: string, extra: string[] = [], opts = {}) =>
  runCli("sync", syncArgs("tuh", src, bucket, st, ["--part-size", "5MiB", ...extra]), {
    endpoint: proxy.endpoint,
    ...opts,
  });

test("503 SlowDown answers are retried with backoff", async () => {
  const bucket = await newBucket();
  proxy.setRules([
    { match: { op: "UploadPart", times: 3 }, action: { kind: "slowDown" } },
    { match: { op: "PutObject", times: 2 }, action: { kind: "slowDown" } },
  ]);
  const r = await run(bucket, state());
  expect(r.code).toBe(0);
  expect(proxy.stats.faults.slowDown).toBe(5);
  await expectBucketMatches(bucket, "ds/", src);
});

test("a connection reset in the middle of a part is retried", async () => {
  const bucket = await newBucket();
  proxy.setRules([
    {
      match: { op: "UploadPart", nth: 2, times: 2 },
      action: { kind: "resetMidBody", afterBytes: MiB },
    },
  ]);
  const r = await run(bucket, state());
  expect(r.code).toBe(0);
  expect(proxy.stats.faults.resetMidBody).toBe(2);
  await expectBucketMatches(bucket, "ds/", src);
});

test("a byte corrupted on the way is refused by the server: the file fails, nothing wrong lands, the next run completes", async () => {
  const bucket = await newBucket();
  proxy.setRules([
    { match: { op: "UploadPart", nth: 2, times: 1 }, action: { kind: "flipByte", at: 12345 } },
    { match: { op: "PutObject", nth: 1, times: 1 }, action: { kind: "flipByte", at: 10 } },
  ]);
  const st = state();
  const first = await run(bucket, st);
  expect(proxy.stats.faults.flipByte).toBe(2);
  expect(first.code).toBe(1);
  expect(first.summary?.files_failed).toBe(2);
  expect(first.summary?.manifest_version).toBeNull();
  const second = await run(bucket, st);
  expect(second.code).toBe(0);
  await expectBucketMatches(bucket, "ds/", src);
});

test("a server that does not confirm x-amz-checksum-sha256 gets signed payloads: the unconfirmed body is sent again, the rest signed", async () => {
  const sends = () => proxy.stats.requests.PutObject + proxy.stats.requests.UploadPart;
  proxy.resetStats();
  // one request at a time: with more, every body already in flight when the first unconfirmed
  // answer arrives is sent again too
  const one = ["--concurrency", "1"];
  expect((await run(await newBucket(), state(), one)).code).toBe(0);
  const usual = sends(); // every answer confirms the checksum: one request per body
  proxy.resetStats();
  const header = "x-amz-checksum-sha256";
  proxy.setRules([
    { match: { op: "PutObject" }, action: { kind: "dropResponseHeader", name: header } },
    { match: { op: "UploadPart" }, action: { kind: "dropResponseHeader", name: header } },
  ]);
  const bucket = await newBucket();
  const r = await run(bucket, state(), one);
  expect(r.code).toBe(0);
  // the first unconfirmed body went again (signed); every later one was signed from the start
  expect(sends()).toBe(usual + 1);
  await expectBucketMatches(bucket, "ds/", src);
});

test("a stalled connection is abandoned after --request-timeout and the request retried", async () => {
  const bucket = await newBucket();
  proxy.setRules([{ match: { op: "UploadPart", nth: 1, times: 1 }, action: { kind: "stall" } }]);
  const started = Date.now();
  const r = await run(bucket, state(), ["--request-timeout", "2"]);
  expect(r.code).toBe(0);
  expect(proxy.stats.faults.stall).toBe(1);
  expect(Date.now() - started).toBeLessThan(60_000);
  await expectBucketMatches(bucket, "ds/", src);
});

test("a torn or garbled journal is detected, dropped and re-checked against the bucket: no wrong object", async () => {
  const bucket = await newBucket();
  const st = state();
  expect((await run(bucket, st)).code).toBe(0);
  // The source changes behind the journal's back, and the journal's tail is torn.
  const edf = readdirSync(join(src, "edf", "train"), { recursive: true })
    .map(String)
    .find((p) => p.endsWith(".edf"));
  const victim = join(src, "edf", "train", edf as string);
  const fd = openSync(victim, "r+");
  writeSync(fd, Buffer.from("CHANGED!"), 0, 8, 300);
  closeSync(fd);
  const journalDir = join(st, "journals");
  const journal = join(
    journalDir,
    readdirSync(journalDir).find((f) => f.endsWith(".jsonl")) as string,
  );
  const text = readFileSync(journal, "utf8");
  // Garble a done record in the middle (checksum no longer matches) and tear the last line.
  const lines = text.split("\n");
  const mid = lines.findIndex((l) => l.includes('"t":"done"'));
  lines[mid] = (lines[mid] as string).replace('"size":', '"size":1');
  writeFileSync(journal, lines.join("\n"));
  appendFileSync(journal, '0badc0de {"t":"done","key":"half');
  const r = await run(bucket, st);
  expect(r.code).toBe(0);
  expect(r.events.some((e) => e.event === "warning" && String(e.message).includes("damaged"))).toBe(
    true,
  );
  // Everything else was adopted from the bucket without being sent again.
  expect(r.summary?.files_uploaded).toBe(1);
  await expectBucketMatches(bucket, "ds/", src);
});

test("a file modified while it is being uploaded is never committed as a mix: it is detected and sent again", async () => {
  const bucket = await newBucket();
  const one = tempDir("one");
  const file = join(one, "big.edf");
  writeFileSync(file, Buffer.alloc(20 * MiB, 1));
  // Parts go slowly so the change lands while the upload is open.
  proxy.setRules([{ match: { op: "UploadPart" }, action: { kind: "delay", ms: 400 } }]);
  let changed = false;
  const r = await runCli(
    "sync",
    syncArgs("tuh", one, bucket, state(), [
      "--include",
      "**",
      "--part-size",
      "5MiB",
      "--concurrency",
      "1",
    ]),
    {
      endpoint: proxy.endpoint,
      onLine: (line) => {
        if (!changed && line.includes('"file_start"')) {
          changed = true;
          setTimeout(() => {
            proxy.setRules([]);
            writeFileSync(file, Buffer.alloc(20 * MiB, 2));
          }, 300);
        }
        return false;
      },
    },
  );
  expect(r.code).toBe(0);
  expect(r.events.some((e) => e.event === "restart" && String(e.reason).includes("changed"))).toBe(
    true,
  );
  await expectBucketMatches(bucket, "ds/", one);
  expect(await openUploads(bucket, "ds/")).toBe(0);
});
