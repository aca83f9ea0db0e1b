import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { type FaultProxy, startFaultProxy } from "../src/fault-proxy/proxy.ts";
import { describeRequest, type FaultRule, RuleSet } from "../src/fault-proxy/rules.ts";

const MiB = 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("base64");
const req = (method: string, op: string, key = "k", params: string[] = []) =>
  ({ method, op, bucket: "b", key, params }) as ReturnType<typeof describeRequest>;

describe("describeRequest", () => {
  test.each([
    ["PUT", "/b/a/k.edf?partNumber=2&uploadId=U&x-id=UploadPart", "UploadPart"],
    ["PUT", "/b/a/k.edf?x-id=PutObject", "PutObject"],
    ["PUT", "/b/a/k.edf?tagging", "Other"],
    ["PUT", "/b", "CreateBucket"],
    ["POST", "/b/k?uploads", "CreateMultipartUpload"],
    ["POST", "/b/k?uploadId=U", "CompleteMultipartUpload"],
    ["GET", "/b/k?uploadId=U", "ListParts"],
    ["GET", "/b/k?x-id=GetObject", "GetObject"],
    ["GET", "/b?list-type=2", "Other"],
    ["HEAD", "/b/k", "HeadObject"],
    ["DELETE", "/b/k?uploadId=U", "AbortMultipartUpload"],
  ])("%s %s is %s", (method, url, op) => {
    expect(describeRequest(method, url).op).toBe(op);
  });

  test("the key is the decoded path after the bucket", () => {
    expect(describeRequest("PUT", "/b/edf/train/a%20b.edf")).toMatchObject({
      bucket: "b",
      key: "edf/train/a b.edf",
    });
  });
});

describe("RuleSet", () => {
  const slow = { kind: "slowDown" } as const;
  const fires = (rules: FaultRule[], reqs: ReturnType<typeof req>[]) => {
    const set = new RuleSet(rules);
    return reqs.map((r) => set.pick(r)?.index ?? null);
  };
  const parts = (n: number) => Array.from({ length: n }, () => req("PUT", "UploadPart"));

  test("a query rule fires only on requests carrying that sub-resource", () => {
    const rules: FaultRule[] = [{ match: { method: "GET", query: "uploads" }, action: slow }];
    const uploads = describeRequest("GET", "/b?uploads&prefix=p");
    const listing = describeRequest("GET", "/b?list-type=2&max-keys=1");
    expect(fires(rules, [listing, uploads, listing])).toEqual([null, 0, null]);
  });

  test("without nth/times a rule fires on every match", () => {
    expect(fires([{ match: { op: "UploadPart" }, action: slow }], parts(3))).toEqual([0, 0, 0]);
  });
  test("nth alone fires once, on the Nth match; times extends it over consecutive matches", () => {
    expect(fires([{ match: { nth: 2 }, action: slow }], parts(4))).toEqual([null, 0, null, null]);
    expect(fires([{ match: { nth: 2, times: 2 }, action: slow }], parts(4))).toEqual([
      null,
      0,
      0,
      null,
    ]);
    expect(fires([{ match: { times: 2 }, action: slow }], parts(3))).toEqual([0, 0, null]);
  });
  test("non-matching requests don't count towards nth", () => {
    const set = new RuleSet([{ match: { op: "UploadPart", nth: 2 }, action: slow }]);
    expect(set.pick(req("PUT", "PutObject"))).toBeUndefined();
    expect(set.pick(req("PUT", "UploadPart"))).toBeUndefined();
    expect(set.pick(req("PUT", "UploadPart", "other"))?.index).toBe(0);
  });
  test("first firing rule wins; later rules only count requests not claimed before them", () => {
    const rules: FaultRule[] = [
      { match: { times: 2 }, action: slow },
      { match: { nth: 1 }, action: { kind: "stall" } },
    ];
    expect(fires(rules, parts(4))).toEqual([0, 0, 1, null]);
  });
  test("method and keyPrefix narrow the match", () => {
    const set = new RuleSet([{ match: { method: "put", keyPrefix: "edf/" }, action: slow }]);
    expect(set.pick(req("PUT", "PutObject", "csv/a"))).toBeUndefined();
    expect(set.pick(req("GET", "GetObject", "edf/a"))).toBeUndefined();
    expect(set.pick(req("PUT", "PutObject", "edf/a"))?.index).toBe(0);
  });
  test("invalid counters are rejected", () => {
    expect(() => new RuleSet([{ match: { nth: 0 }, action: slow }])).toThrow(/nth/);
  });
});

describe("forwarding fidelity (local echo upstream)", () => {
  test("method, path+query and raw headers (Host, case, duplicates) arrive unchanged; bodies stream", async () => {
    const seen: { method?: string; url?: string; rawHeaders: string[] }[] = [];
    let sawFirstChunk = () => {};
    const echo = createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, rawHeaders: req.rawHeaders });
      let n = 0;
      req.on("data", (c: Buffer) => {
        if (n === 0) sawFirstChunk();
        n += c.length;
      });
      req.on("end", () => {
        res.writeHead(201, { "x-echo": "1", "set-cookie": ["a=1", "b=2"] });
        res.end(String(n));
      });
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const echoPort = (echo.address() as AddressInfo).port;
    const proxy = await startFaultProxy({ upstream: `http://127.0.0.1:${echoPort}` });
    const headers = ["Host", "signed.example:9", "X-Amz-Meta-Dup", "1", "x-amz-meta-dup", "2"];
    const send = async (port: string | number, streamed: boolean) => {
      const path = "/b/a%20b?partNumber=1&uploadId=U";
      const firstChunk = new Promise<void>((r) => {
        sawFirstChunk = r;
      });
      const r = request({ host: "127.0.0.1", port, method: "PUT", path, headers, agent: false });
      r.write(Buffer.alloc(64 * 1024));
      // A buffering proxy would hold the first chunk until the body ends: fail fast instead.
      if (streamed)
        await Promise.race([
          firstChunk,
          new Promise((_, no) => setTimeout(() => no(new Error("body was buffered")), 2000)),
        ]);
      r.end(Buffer.alloc(1000));
      const [res] = (await once(r, "response")) as [IncomingMessage];
      let body = "";
      for await (const c of res) body += c;
      return { status: res.statusCode, headers: res.headers, body };
    };
    try {
      const viaDirect = await send(echoPort, false);
      const viaProxy = await send(new URL(proxy.endpoint).port, true);
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[0]?.rawHeaders.slice(0, headers.length)).toEqual(headers);
      expect(viaProxy).toMatchObject({ status: 201, body: String(64 * 1024 + 1000) });
      expect(viaProxy.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
      expect(viaProxy.headers["x-echo"]).toBe(viaDirect.headers["x-echo"]);
      expect(proxy.stats.bytesForwarded.UploadPart).toBe(64 * 1024 + 1000);
    } finally {
      await proxy.stop();
      echo.close();
    }
  });
});

describe("WAN profile (local echo upstream)", () => {
  /** An upstream that records when each request's head and body end arrive. */
  async function echoUpstream() {
    const arrived: { at: number; bytes: number }[] = [];
    const echo = createServer((req, res) => {
      const at = Date.now();
      let bytes = 0;
      req.on("data", (c: Buffer) => {
        bytes += c.length;
      });
      req.on("end", () => {
        arrived.push({ at, bytes });
        res.end(String(bytes));
      });
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    return { echo, arrived, url: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` };
  }
  async function put(endpoint: string, body: Buffer) {
    const r = request(`${endpoint}/b/k`, { method: "PUT", agent: false });
    r.end(body);
    const [res] = (await once(r, "response")) as [IncomingMessage];
    let text = "";
    for await (const c of res) text += c;
    return { status: res.statusCode, text };
  }

  test("each request and each response waits its delay: counted, and never earlier", async () => {
    const up = await echoUpstream();
    const proxy = await startFaultProxy({
      upstream: up.url,
      wan: { requestDelayMs: 150, responseDelayMs: 100 },
    });
    try {
      const t0 = Date.now();
      const answers = await Promise.all([1, 2, 3].map(() => put(proxy.endpoint, randomBytes(10))));
      const elapsed = Date.now() - t0;
      expect(answers).toEqual([1, 2, 3].map(() => ({ status: 200, text: "10" })));
      expect(proxy.stats.wan).toEqual({ delayedRequests: 3, delayedResponses: 3, pacedBytes: 0 });
      // Lower bounds only (timers never fire early; a busy machine only adds time).
      for (const a of up.arrived) expect(a.at - t0).toBeGreaterThanOrEqual(145);
      expect(elapsed).toBeGreaterThanOrEqual(245);
    } finally {
      await proxy.stop();
      up.echo.close();
    }
  });

  test("the bandwidth cap paces request bodies over all connections; every byte still arrives", async () => {
    const up = await echoUpstream();
    const rate = 1024 * 1024;
    const proxy = await startFaultProxy({
      upstream: up.url,
      wan: { requestDelayMs: 0, responseDelayMs: 0, bytesPerSecond: rate },
    });
    try {
      const body = randomBytes(256 * 1024);
      const t0 = Date.now();
      const answers = await Promise.all([put(proxy.endpoint, body), put(proxy.endpoint, body)]);
      const elapsed = Date.now() - t0;
      expect(answers.map((a) => a.text)).toEqual([String(body.length), String(body.length)]);
      expect(up.arrived.map((a) => a.bytes)).toEqual([body.length, body.length]);
      expect(proxy.stats.bytesForwarded.PutObject).toBe(2 * body.length);
      // Only the first chunk goes at once; the rest of 512 KiB waits for 1 MiB/s slots.
      expect(proxy.stats.wan.pacedBytes).toBeGreaterThan(body.length);
      expect(elapsed).toBeGreaterThanOrEqual(((2 * body.length - 128 * 1024) / rate) * 1000 - 5);
    } finally {
      await proxy.stop();
      up.echo.close();
    }
  });

  test("bad profiles are refused with the field named", async () => {
    await expect(
      startFaultProxy({
        upstream: "http://127.0.0.1:1",
        wan: { requestDelayMs: -1, responseDelayMs: 0 },
      }),
    ).rejects.toThrow(/wan delays/);
    await expect(
      startFaultProxy({
        upstream: "http://127.0.0.1:1",
        wan: { requestDelayMs: 0, responseDelayMs: 0, bytesPerSecond: 0 },
      }),
    ).rejects.toThrow(/bytesPerSecond/);
  });
});

describe("fault proxy against versitygw", () => {
  const s3 = inject("s3");
  const Bucket = "fault-proxy";
  const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  const direct = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials,
  });
  let proxy: FaultProxy;
  const clients: S3Client[] = [];
  const viaProxy = (extra: Partial<S3ClientConfig> = {}) => {
    const c = new S3Client({
      endpoint: proxy.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials,
      ...extra,
    });
    clients.push(c);
    return c;
  };
  const put = (c: S3Client, Key: string, Body: Buffer) =>
    c.send(new PutObjectCommand({ Bucket, Key, Body, ChecksumSHA256: sha256(Body) }));
  /** A PutObject with its checksum but UNSIGNED-PAYLOAD as the signed payload hash. */
  const unsignedPut = (Key: string, Body: Buffer) => {
    const cmd = new PutObjectCommand({ Bucket, Key, Body, ChecksumSHA256: sha256(Body) });
    cmd.middlewareStack.add(
      (next) => (args) => {
        const r = args.request as { headers: Record<string, string> };
        r.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
        return next(args);
      },
      { step: "build", name: "unsignedPayload" },
    );
    return cmd;
  };
  const read = async (Key: string) => {
    const got = await direct.send(new GetObjectCommand({ Bucket, Key }));
    return (got.Body as NonNullable<typeof got.Body>).transformToByteArray();
  };

  beforeAll(async () => {
    await direct.send(new CreateBucketCommand({ Bucket }));
  });
  beforeEach(async () => {
    proxy = await startFaultProxy({ upstream: s3.endpoint });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy.stop();
  });
  afterAll(() => direct.destroy());

  test("forwards PutObject unchanged: SigV4 over the client's Host validates, bytes are counted", async () => {
    const c = viaProxy();
    const small = randomBytes(1000);
    const big = randomBytes(3 * MiB); // >= 2 MiB: the SDK sends Expect: 100-continue
    await put(c, "plain/small", small);
    await put(c, "plain/big", big);
    const got = await c.send(new GetObjectCommand({ Bucket, Key: "plain/big" }));
    const back = await (got.Body as NonNullable<typeof got.Body>).transformToByteArray();
    expect(sha256(back)).toBe(sha256(big)); // digests: deep toEqual on MiBs of bytes takes seconds
    expect(sha256(await read("plain/small"))).toBe(sha256(small));
    expect(proxy.stats.requests).toMatchObject({ PutObject: 2, GetObject: 1 });
    expect(proxy.stats.bytesForwarded.PutObject).toBe(small.length + big.length);
    expect(proxy.stats.faults).toMatchObject({ slowDown: 0, resetMidBody: 0 });

    // The server really checks signatures through the proxy: a wrong secret is refused.
    // (Small body: versitygw sends 100 Continue before checking auth, so a big body refused
    // mid-stream ends in ECONNRESET about half the time, even without the proxy.)
    const wrong = viaProxy({ credentials: { ...credentials, secretAccessKey: "wrong" } });
    await expect(put(wrong, "plain/denied", small)).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      $metadata: { httpStatusCode: 403 },
    });
  });

  test("forwards a 3-part multipart upload with SHA-256 per part", async () => {
    const c = viaProxy();
    const Key = "mpu/three";
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(MiB)];
    const { UploadId } = await c.send(
      new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "SHA256" }),
    );
    const done = [];
    for (const [i, Body] of parts.entries()) {
      const PartNumber = i + 1;
      const ChecksumSHA256 = sha256(Body);
      const r = await c.send(
        new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ChecksumSHA256 }),
      );
      expect(r.ChecksumSHA256).toBe(ChecksumSHA256);
      done.push({ PartNumber, ETag: r.ETag, ChecksumSHA256 });
    }
    const listed = await c.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => p.PartNumber)).toEqual([1, 2, 3]);
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
    expect(sha256(await read(Key))).toBe(sha256(Buffer.concat(parts)));
    expect(proxy.stats.requests).toMatchObject({
      CreateMultipartUpload: 1,
      UploadPart: 3,
      ListParts: 1,
      CompleteMultipartUpload: 1,
    });
    expect(proxy.stats.bytesForwarded.UploadPart).toBe(11 * MiB);
  });

  test("slowDown is a throttling S3 error the SDK retries with its standard strategy", async () => {
    proxy.setRules([{ match: { op: "PutObject" }, action: { kind: "slowDown" } }]);
    const err = await put(viaProxy({ maxAttempts: 1 }), "slow/k", randomBytes(10)).catch((e) => e);
    expect(err).toMatchObject({
      name: "SlowDown",
      message: "Please reduce your request rate.",
      $metadata: { httpStatusCode: 503 },
    });

    proxy.setRules([{ match: { op: "PutObject", times: 2 }, action: { kind: "slowDown" } }]);
    proxy.resetStats();
    const body = randomBytes(1000);
    const ok = await put(viaProxy(), "slow/k", body);
    expect(ok.$metadata.attempts).toBe(3);
    expect(proxy.stats.requests.PutObject).toBe(3);
    expect(proxy.stats.faults.slowDown).toBe(2);
    expect(proxy.stats.bytesForwarded.PutObject).toBe(body.length);
    expect(sha256(await read("slow/k"))).toBe(sha256(body));
  });

  test("under 100-continue a refused part never sends its body", async () => {
    proxy.setRules([{ match: { op: "PutObject", times: 1 }, action: { kind: "slowDown" } }]);
    const body = randomBytes(3 * MiB);
    expect((await put(viaProxy(), "slow/big", body)).$metadata.attempts).toBe(2);
    expect(proxy.stats.bytesReceived.PutObject).toBe(body.length);
    expect(sha256(await read("slow/big"))).toBe(sha256(body));
  });

  test("flipByte inverts one body byte: versitygw refuses it by the signed payload hash and, unsigned, by x-amz-checksum-sha256", async () => {
    const body = randomBytes(64 * 1024);
    proxy.setRules([{ match: { op: "PutObject" }, action: { kind: "flipByte", at: 1000 } }]);
    const c = viaProxy({ maxAttempts: 1 });
    // signed payload (what the SDK does over http): the body's SHA-256 no longer matches
    await expect(put(c, "flip/signed", body)).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
    // UNSIGNED-PAYLOAD: only the signed checksum header still binds the body
    await expect(c.send(unsignedPut("flip/unsigned", body))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
    expect(proxy.stats.faults.flipByte).toBe(2);
    for (const Key of ["flip/signed", "flip/unsigned"])
      await expect(direct.send(new GetObjectCommand({ Bucket, Key }))).rejects.toMatchObject({
        name: "NoSuchKey",
      });
    // and without the fault the same unsigned request is accepted with the right bytes
    proxy.setRules([]);
    await c.send(unsignedPut("flip/unsigned", body));
    expect(sha256(await read("flip/unsigned"))).toBe(sha256(body));
  });

  test("dropResponseHeader answers without that header (a server that does not confirm checksums)", async () => {
    const c = viaProxy();
    const body = randomBytes(100);
    expect((await put(c, "drop/a", body)).ChecksumSHA256).toBe(sha256(body));
    proxy.setRules([
      {
        match: { op: "PutObject" },
        action: { kind: "dropResponseHeader", name: "x-amz-checksum-sha256" },
      },
    ]);
    const out = await put(c, "drop/b", body);
    expect(out.ChecksumSHA256).toBeUndefined();
    expect(out.ETag).toBeDefined(); // the rest of the answer is intact
    expect(sha256(await read("drop/b"))).toBe(sha256(body));
  });

  test("status answers any S3 error code", async () => {
    proxy.setRules([{ action: { kind: "status", status: 500, code: "InternalError" } }]);
    await expect(put(viaProxy({ maxAttempts: 1 }), "err/k", randomBytes(10))).rejects.toMatchObject(
      { name: "InternalError", $metadata: { httpStatusCode: 500 } },
    );
  });

  test("nth and times pick exactly which requests fail", async () => {
    proxy.setRules([
      {
        match: { op: "PutObject", nth: 2, times: 2 },
        action: { kind: "status", status: 500, code: "InternalError" },
      },
    ]);
    const c = viaProxy({ maxAttempts: 1 });
    const results = [];
    for (let i = 1; i <= 4; i++)
      results.push(
        await put(c, `nth/${i}`, randomBytes(10)).then(
          () => "ok",
          (e: Error) => e.name,
        ),
      );
    expect(results).toEqual(["ok", "InternalError", "InternalError", "ok"]);
    expect(proxy.stats.fired.map((f) => f.key)).toEqual(["nth/2", "nth/3"]);
  });

  test("resetMidBody cuts an UploadPart: the SDK retries it, or fails with a network error and the server holds no part", async () => {
    const Key = "reset/k";
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB)];
    const rule: FaultRule = {
      match: { op: "UploadPart", nth: 2 },
      action: { kind: "resetMidBody", afterBytes: MiB },
    };
    const upload = (c: S3Client, UploadId: string | undefined, i: number) => {
      const Body = parts[i] as Buffer;
      const ChecksumSHA256 = sha256(Body);
      return c
        .send(
          new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumSHA256 }),
        )
        .then((r) => ({ PartNumber: i + 1, ETag: r.ETag, ChecksumSHA256 }));
    };
    const create = () =>
      direct.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "SHA256" }));

    // Without retries the caller sees the reset, and part 2 never reached the server.
    proxy.setRules([rule]);
    const once = viaProxy({ maxAttempts: 1 });
    const first = await create();
    await upload(once, first.UploadId, 0);
    const err = await upload(once, first.UploadId, 1).catch((e) => e);
    expect(["ECONNRESET", "EPIPE"]).toContain(err.code);
    expect(proxy.stats.bytesForwarded.UploadPart).toBe(6 * MiB);
    const held = await direct.send(new ListPartsCommand({ Bucket, Key, UploadId: first.UploadId }));
    expect(held.Parts?.map((p) => p.PartNumber)).toEqual([1]);

    // With the standard retry strategy the same cut heals and the object is complete.
    proxy.setRules([rule]);
    proxy.resetStats();
    const c = viaProxy();
    const { UploadId } = await create();
    const done = [await upload(c, UploadId, 0), await upload(c, UploadId, 1)];
    await direct.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
    expect(sha256(await read(Key))).toBe(sha256(Buffer.concat(parts)));
    expect(proxy.stats.requests.UploadPart).toBe(3);
    expect(proxy.stats.faults.resetMidBody).toBe(1);
    expect(proxy.stats.bytesForwarded.UploadPart).toBe(11 * MiB);
  });

  test("stall: the client's timeout fires (requestTimeout only with throwOnRequestTimeout)", async () => {
    proxy.setRules([{ match: { op: "PutObject" }, action: { kind: "stall" } }]);
    const t0 = Date.now();
    const timedOut = viaProxy({
      maxAttempts: 1,
      requestHandler: { requestTimeout: 1000, throwOnRequestTimeout: true },
    });
    await expect(put(timedOut, "stall/a", randomBytes(10))).rejects.toMatchObject({
      name: "TimeoutError",
    });
    const idle = viaProxy({ maxAttempts: 1, requestHandler: { socketTimeout: 1000 } });
    await expect(put(idle, "stall/b", randomBytes(10))).rejects.toMatchObject({
      name: "TimeoutError",
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(proxy.stats.faults.stall).toBe(2);
  });

  test("stall: requestTimeout alone only warns in this SDK; stop() still ends the call promptly", async () => {
    proxy.setRules([{ action: { kind: "stall" } }]);
    const warnings: string[] = [];
    const silent = () => {};
    const c = viaProxy({
      maxAttempts: 1,
      requestHandler: { requestTimeout: 500 },
      logger: { debug: silent, info: silent, error: silent, warn: (m: string) => warnings.push(m) },
    });
    let settled = false;
    const pending = put(c, "stall/c", randomBytes(10)).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 1200));
    expect(settled).toBe(false);
    expect(warnings.join()).toMatch(/requestTimeout/);
    const t0 = Date.now();
    await proxy.stop();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  test("delay holds the request, then forwards it", async () => {
    proxy.setRules([{ match: { op: "PutObject" }, action: { kind: "delay", ms: 300 } }]);
    const body = randomBytes(100);
    const t0 = Date.now();
    await put(viaProxy(), "delay/k", body);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(sha256(await read("delay/k"))).toBe(sha256(body));
    expect(proxy.stats.faults.delay).toBe(1);
  });
});
