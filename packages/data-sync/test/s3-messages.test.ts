// Messages that mislead (issue 15.3, 15.7), against versitygw: https:// to a plain-http endpoint
// is one line saying so (not OpenSSL's "EPROTO ... wrong version number"), a session token the
// server rejects is access denied (exit 3, not 1), a bucket name the server refuses is named as
// such (not "HTTP 400 UnknownError").
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { classifyS3Error } from "@bgb/shared/s3";
import { type FaultProxy, startFaultProxy } from "@bgb/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bucketOnly, newBucket, runCli, s3, syncArgs, targetArgs, tempDir } from "./support.ts";

let src: string;
let bucket: string;
let proxy: FaultProxy;
beforeAll(async () => {
  src = tempDir("msg");
  mkdirSync(join(src, "edf", "train"), { recursive: true });
  writeFileSync(join(src, "edf", "train", "a.edf"), "x");
  bucket = await newBucket();
  proxy = await startFaultProxy({ upstream: s3.endpoint });
});
afterAll(() => proxy.stop());

const https = () => s3.endpoint.replace(/^http:/, "https:");
const verifyArgs = () => ["verify", ...bucketOnly(targetArgs("tuh", src, bucket, tempDir("st")))];

describe.concurrent("https:// to an http endpoint: one line that says so, exit 3", () => {
  test.each([
    ["sync", () => targetArgs("tuh", src, bucket, tempDir("st"))],
    ["data-sync", verifyArgs],
  ] as const)("%s", async (bin, args) => {
    const r = await runCli(bin, args(), { endpoint: https() });
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot reach ${https()}`);
    expect(lines[0]).toContain("the endpoint speaks plain http, not https; use http://");
    expect(r.stderr).not.toMatch(/wrong version number|ssl3|openssl/i);
  });
});

describe.concurrent("a session token the server rejects is access denied: exit 3", () => {
  test.each([
    ["sync", () => targetArgs("tuh", src, bucket, tempDir("st"))],
    ["data-sync", verifyArgs],
  ] as const)("%s", async (bin, args) => {
    const r = await runCli(bin, args(), { env: { AWS_SESSION_TOKEN: "garbage-token" } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: access denied to bucket "t-[0-9a-f]+" .*\(InvalidToken\)/);
    expect(r.stderr).not.toContain("garbage-token");
  });
});

test.each([
  ["sync", () => syncArgs("tuh", src, bucket, tempDir("st"))],
  ["data-sync", () => [...verifyArgs(), "--json"]],
] as const)(
  "%s: a bucket name the server refuses (HTTP 400 InvalidBucketName): said so, naming the bucket, exit 3",
  async (bin, args) => {
    proxy.setRules([
      {
        match: { method: "GET", op: "Other", query: "list-type" },
        action: { kind: "status", status: 400, code: "InvalidBucketName" },
      },
    ]);
    const r = await runCli(bin, args(), { endpoint: proxy.endpoint });
    proxy.setRules([]);
    expect(r.code).toBe(3);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]?.message).toBe(
      `bucket ${bucket}: the server refuses the bucket name (InvalidBucketName, HTTP 400): use a name it accepts (--bucket, or the bucket in the config)`,
    );
  },
);

test("the classification: a 400 without a code points at the bucket name; S3's BucketName is named", () => {
  const bare = classifyS3Error(
    Object.assign(new Error("UnknownError"), {
      name: "UnknownError",
      $metadata: { httpStatusCode: 400 },
    }),
  );
  expect(bare.detail).toMatch(/HTTP 400, no error code.*bucket name.*--bucket/);
  const named = classifyS3Error(
    Object.assign(new Error("The specified bucket is not valid."), {
      name: "InvalidBucketName",
      Code: "InvalidBucketName",
      BucketName: "My_Bucket",
      $metadata: { httpStatusCode: 400 },
    }),
  );
  expect(named.detail).toContain('refuses the bucket name "My_Bucket"');
  const expired = classifyS3Error(
    Object.assign(new Error("token expired"), {
      name: "ExpiredToken",
      $metadata: { httpStatusCode: 400 },
    }),
  );
  expect(expired.kind).toBe("denied");
});
