// Client settings that cost CPU per request when wrong (issue 12).
import { expect, test } from "vitest";
import { createS3Client } from "../src/s3/client.ts";

const endpoint = { url: "http://127.0.0.1:9", region: "us-east-1", forcePathStyle: true };
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" };

test("every request of one auth scheme is signed by the same SigV4 signer (its signing-key cache survives)", async () => {
  const client = createS3Client({
    endpoint,
    maxSockets: 4,
    socketTimeoutMs: 1000,
    maxAttempts: 1,
    credentials,
  });
  const scheme = { name: "sigv4", signingName: "s3", signingRegion: "us-east-1", properties: {} };
  const a = await client.config.signer(scheme);
  const b = await client.config.signer(scheme);
  expect(b).toBe(a);
  // another region is another signer
  const other = await client.config.signer({ ...scheme, signingRegion: "eu-west-1" });
  expect(other).not.toBe(a);
});

test("an anonymous client keeps its pass-through signer", async () => {
  const client = createS3Client({
    endpoint,
    maxSockets: 4,
    socketTimeoutMs: 1000,
    maxAttempts: 1,
    anonymous: true,
  });
  const s = await client.config.signer();
  const req = { headers: {} } as never;
  expect(await s.sign(req)).toBe(req);
});
