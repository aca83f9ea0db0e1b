// The https source against a local web server serving a generated CHB-MIT tree, through the
// real CLI and the real local versitygw.
import { createReadStream, promises as fsp, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { generateChbmit } from "@bgb/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { InterruptedError } from "../src/engine/errors.ts";
import { httpSource } from "../src/source/http-source.ts";
import {
  cleanup,
  expectBucketMatches,
  MiB,
  newBucket,
  openUploads,
  runCli,
  syncArgs,
  tempDir,
} from "./support.ts";

interface WebServer {
  url: string;
  /** behaviour switches a test flips */
  faults: { ignoreRange: boolean; fail503: Set<string>; resetMidBody: Set<string> };
  gets: number;
  close(): Promise<void>;
}

/** Static files with ETag, Last-Modified and single byte ranges, like PhysioNet's nginx. */
async function serveDir(root: string): Promise<WebServer> {
  const faults = {
    ignoreRange: false,
    fail503: new Set<string>(),
    resetMidBody: new Set<string>(),
  };
  const state = { gets: 0 };
  const server: Server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).slice(1);
    const st = await fsp.stat(join(root, rel)).catch(() => undefined);
    if (!st?.isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    if (req.method === "GET") state.gets++;
    // once per path: the first GET fails, the retry goes through
    if (req.method === "GET" && faults.fail503.delete(rel)) {
      res.writeHead(503).end("busy");
      return;
    }
    const headers = {
      etag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
      "last-modified": st.mtime.toUTCString(),
      "accept-ranges": "bytes",
    };
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (!m || faults.ignoreRange) {
      res.writeHead(200, { ...headers, "content-length": st.size });
      if (req.method === "HEAD") res.end();
      else createReadStream(join(root, rel)).pipe(res);
      return;
    }
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), st.size - 1);
    res.writeHead(206, {
      ...headers,
      "content-length": end - start + 1,
      "content-range": `bytes ${start}-${end}/${st.size}`,
    });
    if (faults.resetMidBody.delete(rel)) {
      // half the body, then a dead socket: the client sees a reset in the middle of a part
      const half = createReadStream(join(root, rel), {
        start,
        end: start + Math.floor((end - start) / 2),
      });
      half.on("data", (d) => res.write(d));
      half.on("end", () => res.socket?.destroy());
      return;
    }
    createReadStream(join(root, rel), { start, end }).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    faults,
    get gets() {
      return state.gets;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe("https source (CHB-MIT-shaped tree over a local web server)", () => {
  let src: string;
  let state: string;
  let web: WebServer;
  beforeAll(async () => {
    src = tempDir("chb");
    state = tempDir("state");
    await generateChbmit({
      root: src,
      seed: 3,
      patients: 2,
      files: 5,
      sizes: [12 * MiB, 300 << 10, 6 * MiB, 150 << 10, 80 << 10],
    });
    web = await serveDir(src);
  });
  afterAll(async () => {
    await web.close();
    cleanup(src, state);
  });

  test("syncs every listed file byte-identical, through a 503 and a reset mid-part", async () => {
    const bucket = await newBucket();
    web.faults.fail503.add("chb01/chb01_01.edf");
    web.faults.fail503.add("RECORDS");
    for (const f of ["chb01/chb01_01.edf", "chb02/chb02_01.edf"]) web.faults.resetMidBody.add(f);
    const r = await runCli(
      "sync",
      syncArgs("chbmit", web.url, bucket, tempDir("st"), ["--part-size", "5MiB"]),
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_failed: 0, exit_code: 0 });
    expect(r.summary?.manifest_version).toMatch(/^[0-9a-f]{64}$/);
    // every fault fired (and was survived)
    expect(web.faults.fail503.size + web.faults.resetMidBody.size).toBe(0);
    await expectBucketMatches(bucket, "ds/", src);
    expect(await openUploads(bucket, "ds/")).toBe(0);
  });

  test("a re-run decides from the journal: the only GET is the listing", async () => {
    const bucket = await newBucket();
    const st = tempDir("st");
    const first = await runCli("sync", syncArgs("chbmit", web.url, bucket, st));
    expect(first.code).toBe(0);
    const gets = web.gets;
    const again = await runCli("sync", syncArgs("chbmit", web.url, bucket, st));
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ bytes_sent: 0, files_uploaded: 0 });
    expect(web.gets - gets).toBe(1); // SHA256SUMS.txt, the listing
  });

  test("a server that ignores Range fails clearly (exit 3)", async () => {
    web.faults.ignoreRange = true;
    try {
      const r = await runCli(
        "sync",
        syncArgs("chbmit", web.url, await newBucket(), tempDir("st"), ["--part-size", "5MiB"]),
      );
      expect(r.code).toBe(3);
      const err = r.events.find((e) => e.event === "error");
      expect(err?.message).toMatch(/ignored a Range request \(HTTP 200 instead of 206/);
    } finally {
      web.faults.ignoreRange = false;
    }
  });

  test("a file whose bytes differ from SHA256SUMS.txt fails; the others go on, no manifest", async () => {
    const bad = tempDir("bad");
    await fsp.cp(src, bad, { recursive: true });
    const sums = readFileSync(join(bad, "SHA256SUMS.txt"), "utf8");
    writeFileSync(
      join(bad, "SHA256SUMS.txt"),
      sums.replace(/^[0-9a-f]{64}(?= {2}RECORDS\n)/m, "0".repeat(64)),
    );
    const other = await serveDir(bad);
    try {
      const r = await runCli(
        "sync",
        syncArgs("chbmit", other.url, await newBucket(), tempDir("st")),
      );
      expect(r.code).toBe(1);
      expect(r.summary?.files_failed).toBe(1);
      expect(r.summary?.manifest_version).toBeNull();
      const failed = r.events.find((e) => e.event === "file_failed");
      expect(failed).toMatchObject({ key: "RECORDS" });
      expect(failed?.error).toMatch(/differs from its published SHA-256/);
    } finally {
      await other.close();
      cleanup(bad);
    }
  });

  test("a missing SHA256SUMS.txt is one clear line and exit 3", async () => {
    const empty = tempDir("empty");
    const other = await serveDir(empty);
    try {
      const args = syncArgs("chbmit", other.url, await newBucket(), tempDir("st")).filter(
        (a) => a !== "--json",
      );
      const r = await runCli("sync", args);
      expect(r.code).toBe(3);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/SHA256SUMS\.txt is not there \(HTTP 404/);
    } finally {
      await other.close();
      cleanup(empty);
    }
  });

  test("an unreachable base URL is exit 3; a dataset without checksums: is exit 2", async () => {
    const down = await serveDir(tempDir("down"));
    await down.close(); // a port nobody listens on now
    const r = await runCli("sync", syncArgs("chbmit", down.url, await newBucket(), tempDir("st")));
    expect(r.code).toBe(3);
    expect(r.events.at(-1)?.message).toMatch(/is unreachable: .*ECONNREFUSED/);

    const t = await runCli("sync", syncArgs("tuh", web.url, await newBucket(), tempDir("st")));
    expect(t.code).toBe(2);
    expect(t.events.at(-1)?.message).toMatch(/a URL source needs "checksums:"/);
  });

  test("identity() re-HEADs, so a file replaced upstream is noticed", async () => {
    const source = await httpSource(web.url, "SHA256SUMS.txt");
    const { entries, problems } = await source.list(() => true);
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.relPath)).toContain("SHA256SUMS.txt");
    const entry = entries.find((e) => e.relPath === "RECORDS");
    if (!entry) throw new Error("RECORDS not listed");
    expect(entry.expectedSha256).toMatch(/^[0-9a-f]{64}$/);
    const file = await source.open(entry);
    expect((await file.read(2, 7)).toString()).toBe(
      readFileSync(join(src, "RECORDS")).subarray(2, 7).toString(),
    );
    const before = readFileSync(join(src, "RECORDS"));
    try {
      writeFileSync(join(src, "RECORDS"), Buffer.concat([before, Buffer.from("x\n")]));
      const now = await file.identity();
      expect(now.size).toBe(entry.size + 2);
      expect(now.mtime).not.toBe(entry.mtime);
    } finally {
      writeFileSync(join(src, "RECORDS"), before);
      await file.close();
    }
  });

  test("plain http is refused unless the host is loopback", async () => {
    await expect(httpSource("http://example.org/x/", "SHA256SUMS.txt")).rejects.toThrow(
      /must use https:\/\//,
    );
  });

  test("Ctrl-C during the backoff after a 503 ends the read at once (it waited up to 5 s per retry)", async () => {
    let gets = 0;
    let firstGet: () => void = () => {};
    const sawGet = new Promise<void>((r) => {
      firstGet = r;
    });
    // SHA256SUMS.txt and HEADs answer; every GET of the file is a 503, so the reader backs off
    const busy = createServer((req, res) => {
      if (req.url === "/SHA256SUMS.txt") {
        res.writeHead(200).end(`${"0".repeat(64)}  a.edf\n`);
      } else if (req.method === "HEAD") {
        res.writeHead(200, { "content-length": 10, etag: '"a"' }).end();
      } else {
        gets++;
        firstGet();
        res.writeHead(503).end("busy");
      }
    });
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    try {
      const ac = new AbortController();
      const { port } = busy.address() as AddressInfo;
      const source = await httpSource(`http://127.0.0.1:${port}/`, "SHA256SUMS.txt", {
        signal: ac.signal,
        attempts: 50,
      });
      const entry = (await source.list(() => true)).entries.find((e) => e.relPath === "a.edf");
      if (!entry) throw new Error("a.edf not listed");
      const reading = (await source.open(entry)).read(0, 10);
      await sawGet;
      ac.abort();
      await expect(reading).rejects.toBeInstanceOf(InterruptedError);
      expect(gets).toBeLessThanOrEqual(2);
    } finally {
      busy.closeAllConnections();
      await new Promise((r) => busy.close(r));
    }
  });
});
