// Issue 14: data that must never be reported as right when it is not. Each test failed before its fix.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { expect, test } from "vitest";
import { client, newBucket, runCli, syncArgs, tempDir } from "./support.ts";

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
  expect(r.summary?.manifest_version).toBeUndefined();
  await expect(
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.json" })),
  ).rejects.toThrow();
  expect(sha(await objectBytes(bucket, "ds/other.edf"))).toBe(sha(Buffer.from("other")));
  await expect(
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: `ds/${NFC}` })),
  ).rejects.toThrow();
});
