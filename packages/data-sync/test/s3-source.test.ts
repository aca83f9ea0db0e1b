// An s3:// source (issue 10): a CHB-MIT-shaped tree with its SHA256SUMS.txt in one bucket, synced
// into another through the real CLI. Same endpoint: server-side copies (the fault proxy counts the
// requests and the body bytes this machine sent). Another endpoint (a second versitygw on its own
// port): streamed. Unsigned reads: versitygw answers anonymous requests only for a bucket whose
// policy grants Principal "*" (it has no ACL-based public-read): that policy is what these tests use,
// which is how an AWS Open Data bucket such as physionet-open is shared too.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { join } from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  type FaultProxy,
  generateChbmit,
  type S3Server,
  startFaultProxy,
  startS3Server,
} from "@bgb/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  client,
  expectBucketMatches,
  listFiles,
  MiB,
  newBucket,
  openUploads,
  runCli,
  s3,
  tempDir,
} from "./support.ts";

const SRC_PREFIX = "chbmit/1.0.0/";
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function readObject(bucket: string, key: string): Promise<Buffer> {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
}

/** Puts every file of `root` under `prefix` (optionally with some bytes changed). */
async function putTree(
  c: S3Client,
  bucket: string,
  prefix: string,
  root: string,
  tamper: string[] = [],
) {
  for (const f of listFiles(root)) {
    const body = readFileSync(join(root, f));
    const mid = body.length >> 1;
    if (tamper.includes(f)) body[mid] = (body[mid] ?? 0) ^ 0xff; // same size, other bytes
    await c.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + f, Body: body }));
  }
}

/** A datasets.yaml whose chbmit reads `source` at `endpoint` (the destination comes from flags). */
function config(source: string, endpoint: string, anonymous = false, layout = "chbmit"): string {
  const f = join(tempDir("cfg"), "datasets.yaml");
  writeFileSync(
    f,
    `storage_prices:
  price_date: "2026-11-01"
  usd_per_gb_month: { STANDARD: 0.023 }
datasets:
  chbmit:
    source: ${source}
    source_endpoint_url: ${endpoint}
    source_anonymous: ${anonymous}
    layout: ${layout}
    bucket: placeholder
    prefix: chbmit/
    checksums: SHA256SUMS.txt
`,
  );
  return f;
}

function args(cfg: string, bucket: string, state: string, extra: string[] = []): string[] {
  return [
    "chbmit",
    "--config",
    cfg,
    "--bucket",
    bucket,
    "--prefix",
    "ds/",
    "--state-dir",
    state,
    "--json",
    ...extra,
  ];
}

/** Part records the journal holds for `key`'s upload (journals/<dataset>-<id>.jsonl). */
function journaledParts(state: string): number {
  const dir = join(state, "journals");
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".jsonl"))) {
    for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
      if (line.length > 9 && JSON.parse(line.slice(9)).t === "part") n++;
    }
  }
  return n;
}

const files = (r: { events: Record<string, unknown>[] }) =>
  r.events.filter((e) => e.event === "file_done");

test("pnpm sync chbmit --dry-run with the shipped config: the PhysioNet bucket, planned or unreachable", async () => {
  // No internet here: listing s3://physionet-open fails and the user gets one line naming it.
  // Where the bucket is reachable, the dry run prints the plan from it instead. The destination
  // is checked first, so it is a bucket of the local server (its endpoint never reaches the source).
  const bucket = await newBucket();
  const st = tempDir("st");
  const r = await runCli("sync", ["chbmit", "--dry-run", "--state-dir", st, "--bucket", bucket]);
  if (r.code === 3) {
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /[Ee]rror: source s3:\/\/physionet-open\/chbmit\/1\.0\.0\/ \(AWS S3 us-east-1, unsigned\) is unreachable \((ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH)\): check the network/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  } else {
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`from: s3://physionet-open/chbmit/1.0.0/ -> s3://${bucket}/chbmit/`);
  }
});

test("bad s3 source input: one line, exit 2", async () => {
  const st = tempDir("st");
  const cfg = config("s3://some-bucket/x/", "http://127.0.0.1:9");
  const big = await runCli("sync", args(cfg, "dest-bucket", st, ["--copy-threshold", "6GiB"]));
  expect(big.code).toBe(2);
  expect(big.events.find((e) => e.event === "error")?.message).toBe(
    "--copy-threshold: 6GiB is outside 1B..5GiB (S3's CopyObject limit)",
  );
  const url = await runCli("sync", [
    ...args(cfg, "dest-bucket", st),
    "--source",
    "s3://Bad_Bucket/x/",
  ]);
  expect(url.code).toBe(2);
  expect(url.events.find((e) => e.event === "error")?.message).toMatch(
    /^source s3:\/\/Bad_Bucket\/x\/: expected s3:\/\/<bucket>\/<prefix>\/ with a valid bucket name/,
  );
});

describe("s3:// source", () => {
  let src: string;
  let proxy: FaultProxy;
  let srcBucket: string;
  let total: number;
  let bigSize: number;
  const BIG = "chb01/chb01_01.edf"; // ~26 MiB: 6 parts of 5 MiB when the threshold is lowered
  beforeAll(async () => {
    src = tempDir("chb");
    await generateChbmit({
      root: src,
      seed: 10,
      patients: 2,
      files: 4,
      sizes: [26 * MiB, 300 << 10, 2 * MiB, 80 << 10],
    });
    bigSize = readFileSync(join(src, BIG)).length;
    total = listFiles(src).reduce((n, f) => n + readFileSync(join(src, f)).length, 0);
    srcBucket = await newBucket();
    await putTree(client, srcBucket, SRC_PREFIX, src);
    proxy = await startFaultProxy({ upstream: s3.endpoint });
  });
  afterAll(async () => {
    await proxy.stop();
  });

  test("same endpoint: copied server-side, byte-identical, nothing through this machine", async () => {
    const bucket = await newBucket();
    const cfg = config(`s3://${srcBucket}/${SRC_PREFIX}`, proxy.endpoint);
    proxy.resetStats();
    const r = await runCli("sync", args(cfg, bucket, tempDir("st")), { endpoint: proxy.endpoint });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({
      path: "copy",
      files_failed: 0,
      bytes_sent: 0,
      bytes_through_machine: 0,
      bytes_copied: total,
    });
    expect(files(r).map((e) => e.path)).toEqual(listFiles(src).map(() => "copy"));
    expect(r.events.find((e) => e.event === "plan")).toMatchObject({
      path: "copy",
      bytes_through_machine: 0,
    });
    // The requests: one CopyObject per file (a PUT with x-amz-copy-source, no body), no part
    // uploads; the only bodies sent are the manifest and the dataset report.
    expect(proxy.stats.requests.UploadPart).toBe(0);
    expect(proxy.stats.requests.PutObject).toBe(listFiles(src).length + 2);
    const sentBodies = Object.values(proxy.stats.bytesReceived).reduce((a, b) => a + b, 0);
    expect(sentBodies).toBeLessThan(256 << 10);
    expect(total).toBeGreaterThan(28 * MiB);
    await expectBucketMatches(bucket, "ds/", src); // read back and hashed by the test
    const manifest = JSON.parse(
      (await readObject(bucket, "ds/.bgb-manifest.json")).toString("utf8"),
    );
    expect(manifest.source).toBe(`s3://${srcBucket}/${SRC_PREFIX}`);
    expect(manifest.counts).toEqual({ all: 4 });
  });

  test("a re-run skips from the journal; --verify-remote adopts what the bucket already holds", async () => {
    const bucket = await newBucket();
    const st = tempDir("st");
    const cfg = config(`s3://${srcBucket}/${SRC_PREFIX}`, proxy.endpoint);
    const first = await runCli("sync", args(cfg, bucket, st), { endpoint: proxy.endpoint });
    expect(first.code).toBe(0);
    proxy.resetStats();
    const again = await runCli("sync", args(cfg, bucket, st), { endpoint: proxy.endpoint });
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ files_skipped: listFiles(src).length, bytes_copied: 0 });
    expect(proxy.stats.requests.PutObject).toBe(0);
    proxy.resetStats();
    const checked = await runCli("sync", args(cfg, bucket, st, ["--verify-remote"]), {
      endpoint: proxy.endpoint,
    });
    expect(checked.code).toBe(0);
    // SHA256SUMS.txt has no published hash and the source keeps no SHA-256 of it: copied again
    const outcomes = Object.fromEntries(files(checked).map((e) => [e.key, e.outcome]));
    expect(outcomes).toEqual(
      Object.fromEntries(
        listFiles(src).map((f) => [f, f === "SHA256SUMS.txt" ? "uploaded" : "adopted"]),
      ),
    );
    expect(checked.summary?.bytes_copied).toBe(readFileSync(join(src, "SHA256SUMS.txt")).length);
  });

  test("a refused server-side copy (AccessDenied) falls back to streaming, said once, same bytes", async () => {
    const bucket = await newBucket();
    const cfg = config(`s3://${srcBucket}/${SRC_PREFIX}`, proxy.endpoint);
    // The first copy of an EDF is refused as if the destination's credentials could not read
    // the source; RECORDS* and SHA256SUMS.txt sort first and were copied by then (one request at a time).
    proxy.setRules([
      {
        match: { op: "PutObject", keyPrefix: "ds/chb", nth: 1 },
        action: { kind: "status", status: 403, code: "AccessDenied" },
      },
    ]);
    const r = await runCli("sync", args(cfg, bucket, tempDir("st"), ["--concurrency", "1"]), {
      endpoint: proxy.endpoint,
    });
    proxy.setRules([]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(proxy.stats.faults.status).toBe(1);
    const paths = Object.fromEntries(files(r).map((e) => [e.key, e.path]));
    expect(paths).toEqual(
      Object.fromEntries(listFiles(src).map((f) => [f, f.startsWith("chb") ? "stream" : "copy"])),
    );
    const warnings = r.events.filter((e) => e.event === "warning").map((e) => String(e.message));
    expect(warnings.filter((m) => m.includes("server-side copy"))).toHaveLength(1);
    const streamed = listFiles(src).filter((f) => f.startsWith("chb"));
    expect(r.summary?.bytes_sent).toBe(
      streamed.reduce((n, f) => n + readFileSync(join(src, f)).length, 0),
    );
    await expectBucketMatches(bucket, "ds/", src);
  });

  test("a source object replaced between the listing and its copy is not copied (copy-source-if-match)", async () => {
    const key = "chb02/chb02_01.edf";
    await putTree(client, srcBucket, "moving/", src);
    const bucket = await newBucket();
    const cfg = config(`s3://${srcBucket}/moving/`, proxy.endpoint);
    // Hold that one copy request long enough to replace its source object behind it.
    proxy.setRules([
      { match: { op: "PutObject", keyPrefix: `ds/${key}` }, action: { kind: "delay", ms: 3000 } },
    ]);
    proxy.resetStats();
    const run = runCli("sync", args(cfg, bucket, tempDir("st")), { endpoint: proxy.endpoint });
    while (proxy.stats.fired.length === 0) await new Promise((r) => setTimeout(r, 20));
    const replaced = Buffer.from(readFileSync(join(src, key)));
    replaced[0] = (replaced[0] ?? 0) ^ 1;
    await client.send(
      new PutObjectCommand({ Bucket: srcBucket, Key: `moving/${key}`, Body: replaced }),
    );
    const r = await run;
    proxy.setRules([]);
    expect(r.code).toBe(1);
    expect(r.summary?.failures).toEqual([
      {
        key,
        error: `s3://${srcBucket}/moving/${key} changed in the source since it was listed (another ETag); nothing of it was committed: run the sync again`,
      },
    ]);
    await expect(
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: `ds/${key}` })),
    ).rejects.toMatchObject({ name: "NotFound" });
  });

  test("--dry-run: the plan says copy, 0 bytes through this machine, or the read-back above the threshold", async () => {
    const cfg = config(`s3://${srcBucket}/${SRC_PREFIX}`, s3.endpoint);
    const bucket = await newBucket();
    const whole = await runCli("sync", args(cfg, bucket, tempDir("st"), ["--dry-run"]));
    expect(whole.code).toBe(0);
    expect(whole.summary?.plan).toMatchObject({ bytes_through_machine: 0, bytes: total });
    const parts = await runCli(
      "sync",
      args(cfg, bucket, tempDir("st"), ["--dry-run", "--copy-threshold", "5MiB"]),
    );
    expect(parts.summary?.plan).toMatchObject({ bytes_through_machine: bigSize });
    const text = await runCli(
      "sync",
      args(cfg, bucket, tempDir("st"), ["--dry-run"]).filter((a) => a !== "--json"),
    );
    expect(text.stdout).toContain(`from: s3://${srcBucket}/${SRC_PREFIX} -> s3://${bucket}/ds/`);
    expect(text.stdout).toMatch(/through this machine: 0 ?B/);
  });

  test("an object whose bytes disagree with SHA256SUMS.txt ends absent, named, exit 1 (CopyObject and multipart copy)", async () => {
    const small = "chb02/chb02_01.edf";
    await putTree(client, srcBucket, "bad/", src, [small, BIG]);
    const bucket = await newBucket();
    const cfg = config(`s3://${srcBucket}/bad/`, s3.endpoint);
    const r = await runCli(
      "sync",
      args(cfg, bucket, tempDir("st"), ["--copy-threshold", "5MiB", "--part-size", "5MiB"]),
    );
    expect(r.code).toBe(1);
    const failed = r.summary?.failures as { key: string; error: string }[];
    expect(failed.map((f) => f.key).sort()).toEqual([BIG, small]);
    for (const f of failed) {
      expect(f.error).toContain("content differs from its published SHA-256");
      expect(f.error).toContain("nothing is under its key");
    }
    for (const key of [BIG, small]) {
      await expect(
        client.send(new HeadObjectCommand({ Bucket: bucket, Key: `ds/${key}` })),
      ).rejects.toMatchObject({ name: "NotFound" });
    }
    // no manifest: the dataset is incomplete
    await expect(
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.json" })),
    ).rejects.toMatchObject({ name: "NotFound" });
    expect(await openUploads(bucket, "ds/")).toBe(0);
  });

  test("a multipart server-side copy killed mid-way resumes keeping the parts already copied", async () => {
    const bucket = await newBucket();
    const st = tempDir("st");
    const cfg = config(`s3://${srcBucket}/${SRC_PREFIX}`, proxy.endpoint);
    const flags = ["--copy-threshold", "5MiB", "--part-size", "5MiB", "--concurrency", "1"];
    // The third part copy never gets an answer: two parts are copied when the run is killed.
    proxy.setRules([{ match: { op: "UploadPart", nth: 3 }, action: { kind: "stall" } }]);
    const first = await runCli(
      "sync",
      args(cfg, bucket, st, [...flags, "--include", BIG, "--progress-interval", "1"]),
      { endpoint: proxy.endpoint, onLine: () => journaledParts(st) >= 2 },
    );
    expect(first.signal).toBe("SIGKILL");
    expect(journaledParts(st)).toBe(2);
    proxy.setRules([]);
    proxy.resetStats();
    const second = await runCli("sync", args(cfg, bucket, st, [...flags, "--include", BIG]), {
      endpoint: proxy.endpoint,
    });
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    // 6 parts: 2 kept, the one in flight and the 3 never started copied now
    expect(proxy.stats.requests.UploadPart).toBe(4);
    expect(files(second)[0]).toMatchObject({ key: BIG, outcome: "resumed", path: "copy" });
    expect(second.summary).toMatchObject({ bytes_read_back: bigSize, bytes_sent: 0 });
    expect(sha(await readObject(bucket, `ds/${BIG}`))).toBe(sha(readFileSync(join(src, BIG))));
  });

  describe("another endpoint: streamed through this machine", () => {
    let other: S3Server;
    let otherClient: S3Client;
    let otherBucket: string;
    beforeAll(async () => {
      other = await startS3Server();
      otherClient = new S3Client({
        endpoint: other.endpoint,
        region: other.region,
        forcePathStyle: true,
        credentials: { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey },
      });
      otherBucket = "physionet-like";
      const { CreateBucketCommand } = await import("@aws-sdk/client-s3");
      await otherClient.send(new CreateBucketCommand({ Bucket: otherBucket }));
      await putTree(otherClient, otherBucket, SRC_PREFIX, src);
    });
    afterAll(async () => {
      await other.stop();
    });

    test("byte-identical, peak RSS within --max-memory, every file streamed", async () => {
      const bucket = await newBucket();
      // the destination's credentials are not the source's: the source gets its own, from
      // the standard chain, which this test can only give through a profile-less env; so the
      // source is read unsigned here, which also exercises anonymous reads (policy below).
      await allowAnonymousRead(otherClient, otherBucket);
      const cfg = config(`s3://${otherBucket}/${SRC_PREFIX}`, other.endpoint, true);
      const r = await runCli("sync", args(cfg, bucket, tempDir("st"), ["--max-memory", "256MiB"]));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.summary).toMatchObject({ path: "stream", bytes_copied: 0, bytes_sent: total });
      expect(files(r).every((e) => e.path === "stream")).toBe(true);
      expect(Number(r.summary?.peak_rss_bytes)).toBeLessThanOrEqual(256 * MiB);
      await expectBucketMatches(bucket, "ds/", src);
    });

    test("a 192 MiB object streams within the default --max-memory (256MiB), no local disk", async () => {
      // Far larger than the part budget (256 MiB less the process and its headroom): if the
      // source were buffered whole, or read ahead unbounded, the peak would show it.
      const body = randomBytes(192 * MiB);
      const sums = `${sha(body)}  large.bin\n`;
      await otherClient.send(
        new PutObjectCommand({ Bucket: otherBucket, Key: "large/large.bin", Body: body }),
      );
      await otherClient.send(
        new PutObjectCommand({ Bucket: otherBucket, Key: "large/SHA256SUMS.txt", Body: sums }),
      );
      await allowAnonymousRead(otherClient, otherBucket);
      const bucket = await newBucket();
      const cfg = config(`s3://${otherBucket}/large/`, other.endpoint, true, "flat");
      const r = await runCli("sync", args(cfg, bucket, tempDir("st")));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.summary).toMatchObject({ path: "stream", bytes_sent: body.length + sums.length });
      expect(Number(r.summary?.peak_rss_bytes)).toBeLessThanOrEqual(256 * MiB);
      expect(sha(await readObject(bucket, "ds/large.bin"))).toBe(sha(body));
    });

    test("a connection lost in the middle of a streamed part is retried: exit 0, same bytes", async () => {
      await allowAnonymousRead(otherClient, otherBucket);
      const cutter = await cuttingProxy(Number(new URL(other.endpoint).port), 1 * MiB);
      try {
        const bucket = await newBucket();
        const cfg = config(`s3://${otherBucket}/${SRC_PREFIX}`, cutter.endpoint, true);
        const r = await runCli(
          "sync",
          args(cfg, bucket, tempDir("st"), ["--part-size", "5MiB", "--include", BIG]),
        );
        expect(cutter.cuts()).toBe(1);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(sha(await readObject(bucket, `ds/${BIG}`))).toBe(sha(readFileSync(join(src, BIG))));
      } finally {
        await cutter.close();
      }
    });

    test("a streamed multipart upload killed mid-way resumes keeping the parts already sent", async () => {
      await allowAnonymousRead(otherClient, otherBucket);
      const bucket = await newBucket();
      const st = tempDir("st");
      const cfg = config(`s3://${otherBucket}/${SRC_PREFIX}`, other.endpoint, true);
      const flags = ["--part-size", "5MiB", "--concurrency", "1", "--include", BIG];
      proxy.setRules([{ match: { op: "UploadPart", nth: 3 }, action: { kind: "stall" } }]);
      const first = await runCli(
        "sync",
        args(cfg, bucket, st, [...flags, "--progress-interval", "1"]),
        {
          endpoint: proxy.endpoint,
          onLine: () => journaledParts(st) >= 2,
        },
      );
      expect(first.signal).toBe("SIGKILL");
      proxy.setRules([]);
      proxy.resetStats();
      const second = await runCli("sync", args(cfg, bucket, st, flags), {
        endpoint: proxy.endpoint,
      });
      expect(second.code).toBe(0);
      expect(proxy.stats.requests.UploadPart).toBe(4);
      expect(files(second)[0]).toMatchObject({ key: BIG, outcome: "resumed", path: "stream" });
      expect(second.summary).toMatchObject({ bytes_sent: bigSize - 2 * 5 * MiB });
      expect(sha(await readObject(bucket, `ds/${BIG}`))).toBe(sha(readFileSync(join(src, BIG))));
    });

    test("unsigned reads of a bucket that does not allow them: exit 3, one line saying what to change", async () => {
      const closed = "closed-bucket";
      const { CreateBucketCommand } = await import("@aws-sdk/client-s3");
      await otherClient.send(new CreateBucketCommand({ Bucket: closed }));
      const cfg = config(`s3://${closed}/x/`, other.endpoint, true);
      const r = await runCli("sync", args(cfg, await newBucket(), tempDir("st")));
      expect(r.code).toBe(3);
      const err = r.events.find((e) => e.event === "error");
      expect(err?.message).toMatch(
        /^source s3:\/\/closed-bucket\/x\/ \(http:\/\/127\.0\.0\.1:\d+, unsigned\) refused ListObjectsV2 \(AccessDenied\): the bucket does not allow unsigned requests/,
      );
    });
  });
});

/** What AWS Open Data buckets do: anyone may list and read. */
async function allowAnonymousRead(c: S3Client, bucket: string) {
  await c.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: ["s3:GetObject", "s3:ListBucket"],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          },
        ],
      }),
    }),
  );
}

/** A TCP relay that drops the first connection once more than `after` bytes came back on it. */
async function cuttingProxy(upstreamPort: number, after: number) {
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const up = connect(upstreamPort, "127.0.0.1");
    sockets.add(client).add(up);
    let down = 0;
    client.on("data", (d) => up.write(d));
    up.on("data", (d) => {
      down += d.length;
      if (cuts === 0 && down > after) {
        cuts++;
        client.destroy();
        up.destroy();
        return;
      }
      client.write(d);
    });
    up.on("end", () => client.end());
    for (const [a, b] of [
      [client, up],
      [up, client],
    ] as const) {
      a.on("error", () => b.destroy());
      a.on("close", () => b.destroy());
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cuts: () => cuts,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
