// Issue 14: data that must never be reported as right when it is not. Each test failed before its fix.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { startFaultProxy } from "@bgb/testkit";
import { expect, test } from "vitest";
import {
  bucketOnly,
  client,
  MiB,
  newBucket,
  openUploads,
  runCli,
  s3,
  syncArgs,
  targetArgs,
  tempDir,
} from "./support.ts";

const sha = (b: Buffer | Uint8Array) => createHash("sha256").update(b).digest("hex");

async function objectBytes(bucket: string, key: string): Promise<Buffer> {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await (got.Body as NonNullable<typeof got.Body>).transformToByteArray());
}

async function manifestOf(bucket: string): Promise<{ files: { key: string; sha256: string }[] }> {
  return JSON.parse((await objectBytes(bucket, "ds/.bgb-manifest.json")).toString("utf8"));
}

const NFC = "Zo\u00eb.edf";
const NFD = "Zoe\u0308.edf";

test("an NFD-only name syncs under its NFC key with the bytes of the file the walk found", async () => {
  const src = tempDir("nfd");
  writeFileSync(join(src, NFD), "nfd bytes");
  const bucket = await newBucket();
  const r = await runCli(
    "sync",
    syncArgs("tuh", src, bucket, tempDir("state"), ["--include", "**"]),
  );
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect((await objectBytes(bucket, `ds/${NFC}`)).toString()).toBe("nfd bytes");
  expect((await manifestOf(bucket)).files.map((f) => f.key)).toEqual([NFC]);
});

test("two source names that normalise to one key fail that pair (exit 1), the rest syncs, no manifest with duplicate keys", async () => {
  const src = tempDir("nfcnfd");
  writeFileSync(join(src, NFC), "the NFC file");
  writeFileSync(join(src, NFD), "the NFD file, different");
  writeFileSync(join(src, "other.edf"), "other");
  const bucket = await newBucket();
  const r = await runCli(
    "sync",
    syncArgs("tuh", src, bucket, tempDir("state"), ["--include", "**"]),
  );
  expect(r.code).toBe(1);
  const failed = r.events.filter((e) => e.event === "file_failed");
  expect(failed).toHaveLength(1);
  expect(failed[0]?.key).toBe(NFC);
  expect(String(failed[0]?.error)).toMatch(/2 source files map to this key.*rename one/);
  expect(r.summary?.manifest_version).toBeNull();
  await expect(
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.json" })),
  ).rejects.toThrow();
  expect(sha(await objectBytes(bucket, "ds/other.edf"))).toBe(sha(Buffer.from("other")));
  await expect(
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: `ds/${NFC}` })),
  ).rejects.toThrow();
});

/** big.edf (3 parts of 5 MiB) and small.csv, synced once; returns what the next steps need. */
async function syncedDataset() {
  const src = tempDir("resync");
  const state = tempDir("state");
  writeFileSync(join(src, "big.edf"), Buffer.alloc(12 * MiB, 1));
  writeFileSync(join(src, "small.csv"), "a,b\n1,2\n");
  const bucket = await newBucket();
  const args = syncArgs("tuh", src, bucket, state, ["--include", "**", "--part-size", "5MiB"]);
  const first = await runCli("sync", args);
  expect(first.code).toBe(0);
  return { src, state, bucket, args, target: targetArgs("tuh", src, bucket, state) };
}

const manifestExists = (bucket: string) =>
  client.send(new HeadObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.json" })).then(
    () => true,
    () => false,
  );

test("a re-sync that replaces objects and does not finish leaves no manifest that lies; verify says why; the next complete run restores one", async () => {
  const { src, bucket, args, target } = await syncedDataset();
  const before = await manifestOf(bucket);
  // Same size, other bytes: the multipart object is replaced; a broken link fails the run.
  writeFileSync(join(src, "big.edf"), Buffer.alloc(12 * MiB, 2));
  symlinkSync(join(src, "nowhere"), join(src, "broken.edf"));
  const r = await runCli("sync", args);
  expect(r.code).toBe(1);
  expect(await manifestExists(bucket)).toBe(false);
  const v = await runCli("data-sync", ["verify", ...bucketOnly(target)]);
  expect(v.code).toBe(3);
  expect(v.stderr).toMatch(/moved aside.*has not finished.*run pnpm sync tuh/);
  expect(v.stderr.split("\n").filter(Boolean)).toHaveLength(1);

  unlinkSync(join(src, "broken.edf"));
  const again = await runCli("sync", args);
  expect(again.code).toBe(0);
  const after = await manifestOf(bucket);
  const big = after.files.find((f) => f.key === "big.edf");
  expect(big?.sha256).toBe(sha(Buffer.alloc(12 * MiB, 2)));
  expect(big?.sha256).not.toBe(before.files.find((f) => f.key === "big.edf")?.sha256);
  expect((await runCli("data-sync", ["verify", ...bucketOnly(target)])).code).toBe(0);
  // the moved-aside copy is gone once a consistent manifest is back
  await expect(
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.previous.json" })),
  ).rejects.toThrow();
});

test("verify without the journal cannot confirm a multipart object's SHA-256: unverified, exit 1, --deep confirms it", async () => {
  const { src, bucket } = await syncedDataset();
  const elsewhere = targetArgs("tuh", src, bucket, tempDir("other-machine"));
  const v = await runCli("data-sync", ["verify", ...bucketOnly(elsewhere), "--json"]);
  expect(v.code).toBe(1);
  const out = JSON.parse(v.stdout);
  expect(out.ok).toBe(false);
  expect(out.unverified).toEqual([
    { key: "big.edf", problem: expect.stringMatching(/no journal here.*--deep/) },
  ]);
  const human = await runCli("data-sync", ["verify", ...bucketOnly(elsewhere)]);
  expect(human.stdout).toMatch(/NOT verified: 1\/2 .*1 unverified/);
  expect((await runCli("data-sync", ["verify", ...bucketOnly(elsewhere), "--deep"])).code).toBe(0);
});

test("verify reports an object replaced by same-size bytes with no stored SHA-256, from the journal's record", async () => {
  const { src, bucket, target } = await syncedDataset();
  const size = statSync(join(src, "small.csv")).size;
  await client.send(
    new PutObjectCommand({ Bucket: bucket, Key: "ds/small.csv", Body: Buffer.alloc(size, 120) }),
  );
  const v = await runCli("data-sync", ["verify", ...bucketOnly(target)]);
  expect(v.code).toBe(1);
  expect(v.stdout).toMatch(/small\.csv: .*not the one this journal uploaded/);
});

test("a deleted manifest is written again by the next sync, even when every file is unchanged", async () => {
  const { bucket, args, target } = await syncedDataset();
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.json" }));
  const r = await runCli("sync", args);
  expect(r.code).toBe(0);
  expect(r.events.find((e) => e.event === "manifest")).toMatchObject({ written: true });
  expect(await manifestExists(bucket)).toBe(true);
  expect((await runCli("data-sync", ["verify", ...bucketOnly(target)])).code).toBe(0);
});

test("a file that grows past the part size between the walk and its upload goes multipart, not one PUT of the new size", async () => {
  const src = tempDir("grow");
  writeFileSync(join(src, "a.edf"), Buffer.alloc(3 * MiB, 1));
  writeFileSync(join(src, "b.edf"), "tiny at walk time");
  const bucket = await newBucket();
  const grown = Buffer.alloc(17 * MiB, 7);
  const r = await runCli(
    "sync",
    syncArgs("tuh", src, bucket, tempDir("state"), [
      "--include",
      "**",
      "--part-size",
      "5MiB",
      "--concurrency",
      "1",
      "--bwlimit",
      "2MiB",
    ]),
    {
      onLine: (l) => {
        if (l.includes('"file_start"') && l.includes('"a.edf"'))
          writeFileSync(join(src, "b.edf"), grown);
        return false;
      },
    },
  );
  expect(r.code).toBe(0);
  expect(r.events.find((e) => e.event === "file_done" && e.key === "b.edf")?.size).toBe(
    grown.length,
  );
  const head = await client.send(
    new HeadObjectCommand({ Bucket: bucket, Key: "ds/b.edf", ChecksumMode: "ENABLED" }),
  );
  expect(head.ChecksumSHA256).toMatch(/-4$/); // 4 parts of 5 MiB: a multipart object
  expect(sha(await objectBytes(bucket, "ds/b.edf"))).toBe(sha(grown));
  expect((await manifestOf(bucket)).files.find((f) => f.key === "b.edf")?.sha256).toBe(sha(grown));
});

test("a complete sync whose cleanup may not list multipart uploads warns once and exits 0, also on later runs", async () => {
  const src = tempDir("nolist");
  writeFileSync(join(src, "big.edf"), Buffer.alloc(11 * MiB, 5));
  writeFileSync(join(src, "small.csv"), "x\n");
  const bucket = await newBucket();
  const state = tempDir("state");
  const proxy = await startFaultProxy({ upstream: s3.endpoint });
  try {
    // A least-privilege policy without s3:ListBucketMultipartUploads (and without the lifecycle
    // read): those two bucket-level GETs are denied; listing objects stays allowed.
    const denied = { kind: "status", status: 403, code: "AccessDenied" } as const;
    proxy.setRules([
      { match: { method: "GET", query: "uploads" }, action: denied },
      { match: { method: "GET", query: "lifecycle" }, action: denied },
    ]);
    const args = syncArgs("tuh", src, bucket, state, ["--include", "**", "--part-size", "5MiB"]);
    for (const round of [1, 2]) {
      const r = await runCli("sync", args, { endpoint: proxy.endpoint });
      expect(r.code, `round ${round}`).toBe(0);
      const warnings = r.events.filter(
        (e) => e.event === "warning" && /ListMultipartUploads was denied/.test(String(e.message)),
      );
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]?.message)).toMatch(
        /the data is complete.*s3:ListBucketMultipartUploads/,
      );
    }
    expect(proxy.stats.requests.Other).toBeGreaterThan(0);
  } finally {
    await proxy.stop();
  }
  expect(await manifestExists(bucket)).toBe(true);
});

test("an unfinished upload this journal did not start is kept, with a warning naming gc --all", async () => {
  const src = tempDir("foreign");
  writeFileSync(join(src, "big.edf"), Buffer.alloc(11 * MiB, 6));
  const bucket = await newBucket();
  await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "ds/elsewhere.edf" }));
  const r = await runCli(
    "sync",
    syncArgs("tuh", src, bucket, tempDir("state"), ["--include", "**", "--part-size", "5MiB"]),
  );
  expect(r.code).toBe(0);
  const w = r.events.find(
    (e) => e.event === "warning" && /not started by this journal/.test(String(e.message)),
  );
  expect(String(w?.message)).toMatch(/1 unfinished upload.*gc tuh --all/);
  expect(await openUploads(bucket, "ds/")).toBe(1);
});

test("a listed file replaced by a FIFO is refused, never blocked on: the run ends with exit 1 naming it", async () => {
  const src = tempDir("fifo");
  writeFileSync(join(src, "a.edf"), Buffer.alloc(2 * MiB, 1));
  writeFileSync(join(src, "b.edf"), "becomes a fifo");
  const bucket = await newBucket();
  const r = await runCli(
    "sync",
    syncArgs("tuh", src, bucket, tempDir("state"), [
      "--include",
      "**",
      "--concurrency",
      "1",
      "--bwlimit",
      "1MiB",
    ]),
    {
      onLine: (l) => {
        if (l.includes('"file_start"') && l.includes('"a.edf"')) {
          unlinkSync(join(src, "b.edf"));
          execFileSync("mkfifo", [join(src, "b.edf")]);
        }
        return false;
      },
    },
  );
  expect(r.code).toBe(1);
  const failed = r.events.find((e) => e.event === "file_failed" && e.key === "b.edf");
  expect(String(failed?.error)).toMatch(/no longer a regular file.*refused/);
  expect(r.summary?.files_uploaded).toBe(1);
});
