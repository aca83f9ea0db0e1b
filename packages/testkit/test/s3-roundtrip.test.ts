import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { expect, inject, test } from "vitest";

const s3 = inject("s3");
const client = new S3Client({
  endpoint: s3.endpoint,
  region: s3.region,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
});

test("a bucket is created on the local versitygw and an object round-trips through the real SDK", async () => {
  await client.send(new CreateBucketCommand({ Bucket: "roundtrip" }));
  const body = Buffer.from(`EEG ${"x".repeat(1000)}`);
  const sha = createHash("sha256").update(body).digest("base64");
  await client.send(
    new PutObjectCommand({
      Bucket: "roundtrip",
      Key: "edf/train/a.edf",
      Body: body,
      ChecksumSHA256: sha,
    }),
  );
  const got = await client.send(
    new GetObjectCommand({ Bucket: "roundtrip", Key: "edf/train/a.edf" }),
  );
  expect(
    Buffer.from(await (got.Body as NonNullable<typeof got.Body>).transformToByteArray()),
  ).toEqual(body);
  const list = await client.send(new ListObjectsV2Command({ Bucket: "roundtrip" }));
  expect(list.Contents?.map((o) => o.Key)).toEqual(["edf/train/a.edf"]);
  // posix backend: the object is a real file under the server's root
  expect(readFileSync(join(s3.root, "roundtrip", "edf/train/a.edf"))).toEqual(body);
});

test("the server verifies request checksums: a wrong SHA-256 is rejected", async () => {
  await client.send(new CreateBucketCommand({ Bucket: "checksums" }));
  const wrong = createHash("sha256").update("other").digest("base64");
  await expect(
    client.send(
      new PutObjectCommand({
        Bucket: "checksums",
        Key: "k",
        Body: Buffer.from("data"),
        ChecksumSHA256: wrong,
      }),
    ),
  ).rejects.toThrow();
  expect(existsSync(join(s3.root, "checksums", "k"))).toBe(false);
});
