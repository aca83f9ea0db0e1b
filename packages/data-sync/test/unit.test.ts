// The pure parts: part sizing, globs, key rules, journal replay, planning, gc decisions.
import { getEventListeners } from "node:events";
import { describe, expect, test } from "vitest";
import { decideGc } from "../src/engine/gc.ts";
import { globToRegExp, makeFilter } from "../src/engine/glob.ts";
import { encodeRecord } from "../src/engine/journal/records.ts";
import { replay } from "../src/engine/journal/state.ts";
import { checkPrefix, checkRelPath, splitKeyCollisions } from "../src/engine/keys.ts";
import { GiB, MAX_PARTS, MiB, partCount, partRange, partSizeFor } from "../src/engine/part-size.ts";
import { makePlan } from "../src/engine/plan.ts";

describe("part sizes", () => {
  test("the requested size until 10,000 parts would not hold the file", () => {
    expect(partSizeFor(100 * MiB, 16 * MiB)).toBe(16 * MiB);
    expect(partSizeFor(100 * MiB, 1 * MiB)).toBe(5 * MiB); // S3's minimum
    const huge = 400 * GiB;
    const p = partSizeFor(huge, 16 * MiB);
    expect(partCount(huge, p)).toBeLessThanOrEqual(MAX_PARTS);
    expect(p % MiB).toBe(0);
  });
  test("ranges cover the file exactly", () => {
    const size = 10 * MiB + 3;
    const n = partCount(size, 5 * MiB);
    expect(n).toBe(3);
    expect(partRange(size, 5 * MiB, 3)).toEqual([10 * MiB, size]);
  });
});

describe("globs", () => {
  test("** crosses folders, * and ? do not", () => {
    expect(globToRegExp("edf/**").test("edf/train/a/b.edf")).toBe(true);
    expect(globToRegExp("**/*.edf").test("x.edf")).toBe(true);
    expect(globToRegExp("*.edf").test("a/x.edf")).toBe(false);
    expect(globToRegExp("chb0?/*").test("chb01/x")).toBe(true);
    expect(globToRegExp("a.b").test("aXb")).toBe(false);
  });
  test("braces and classes match like a shell (they matched nothing before)", () => {
    const f = makeFilter(["edf/{train,dev}/**"], []);
    expect(f("edf/train/a/x.edf")).toBe(true);
    expect(f("edf/dev/x.edf")).toBe(true);
    expect(f("edf/eval/x.edf")).toBe(false);
    const ext = makeFilter(["**/*.{edf,csv}"], []);
    expect(ext("edf/train/x.edf")).toBe(true);
    expect(ext("x.csv")).toBe(true);
    expect(ext("x.txt")).toBe(false);
    const cls = makeFilter([], ["edf/[td]*/**"]);
    expect(cls("edf/train/x.edf")).toBe(false);
    expect(cls("edf/dev/x.edf")).toBe(false);
    expect(cls("edf/eval/x.edf")).toBe(true);
    expect(makeFilter(["edf/**"], [])("edf/.hidden")).toBe(true);
  });
  test("include then exclude", () => {
    const f = makeFilter(["edf/**"], ["**/.DS_Store"]);
    expect(f("edf/train/x.edf")).toBe(true);
    expect(f("edf/train/.DS_Store")).toBe(false);
    expect(f("README")).toBe(false);
  });
});

describe("keys", () => {
  test("paths that could escape or confuse the prefix are refused", () => {
    expect(checkRelPath("edf/a.edf")).toEqual({ ok: true, rel: "edf/a.edf" });
    expect(checkRelPath("../x").ok).toBe(false);
    expect(checkRelPath("a//b").ok).toBe(false);
    for (const bad of ["./a", "a/.", "a/./b", "a/..", "a/../b", "a/", "..", "."])
      expect(checkRelPath(bad).ok, bad).toBe(false);
    for (const fine of ["a/.b", "a/..b/c", "...", "a/b.", ".edf/x"])
      expect(checkRelPath(fine).ok, fine).toBe(true);
    expect(checkRelPath("é/").ok).toBe(false); // non-ASCII still checked
    expect(checkRelPath("é/../x").ok).toBe(false);
    expect(checkRelPath("a\\b").ok).toBe(false);
    expect(checkRelPath("a\u0001b").ok).toBe(false);
    expect(checkRelPath(".bgb-manifest.json").ok).toBe(false);
    expect(checkRelPath("x".repeat(1030)).ok).toBe(true); // the length is the engine's, with the prefix
    // NFC: the same name typed two ways is one key
    expect(checkRelPath("e\u0301.edf")).toEqual({ ok: true, rel: "\u00e9.edf" });
  });
  test("names that map to one key are failed together; distinct ones pass untouched", () => {
    const entries = [
      { relPath: "b" },
      { relPath: "\u00e9", sourcePath: "e\u0301" },
      { relPath: "a" },
    ];
    expect(splitKeyCollisions(entries)).toEqual({ unique: entries, collisions: [] });
    const clash = [...entries, { relPath: "\u00e9" }];
    const r = splitKeyCollisions(clash);
    expect(r.unique.map((e) => e.relPath)).toEqual(["b", "a"]);
    expect(r.collisions).toHaveLength(1);
    expect(r.collisions[0]?.message).toMatch(/^2 source files map to this key/);
  });
  test("prefixes end in / and stay plain", () => {
    expect(checkPrefix("tuh/")).toBeUndefined();
    expect(checkPrefix("tuh")).toMatch(/must end with/);
    expect(checkPrefix("/tuh/")).toMatch(/must not start/);
    expect(checkPrefix("a/../b/")).toMatch(/"\.\."/);
  });
});

const id = { size: 10, mtime: "1", id: "1:2" };

describe("journal replay", () => {
  test("a torn last line and a garbled line are counted as damage and ignored", () => {
    const good = encodeRecord({ t: "done", key: "a", sha256: "00", s3: "AA==", ...id });
    const garbled = encodeRecord({ t: "done", key: "b", sha256: "00", s3: "AA==", ...id }).replace(
      '"b"',
      '"c"',
    );
    const torn = encodeRecord({ t: "done", key: "d", sha256: "00", s3: "AA==", ...id }).slice(
      0,
      20,
    );
    const s = replay(good + garbled + torn);
    expect([...s.done.keys()]).toEqual(["a"]);
    expect(s.damagedLines).toBe(2);
  });
  test("an upload lives from mpu to done/end; parts attach to it; intents wait to be resolved", () => {
    const lines = [
      encodeRecord({ t: "intent", key: "big", at: "2026-01-01T00:00:00Z" }),
      encodeRecord({ t: "mpu", key: "big", uploadId: "u1", partSize: 5 * MiB, at: "", ...id }),
      encodeRecord({ t: "part", uploadId: "u1", n: 1, etag: "e", sha256: "s", size: 5 }),
    ].join("");
    const s = replay(lines);
    expect(s.uploads.get("big")?.parts.size).toBe(1);
    expect(s.owned.has("u1")).toBe(true);
    expect(s.intents.has("big")).toBe(true);
    const done = replay(
      lines +
        encodeRecord({ t: "done", key: "big", sha256: "0", s3: "x-1", uploadId: "u1", ...id }),
    );
    expect(done.uploads.size).toBe(0);
    expect(done.owned.size).toBe(0);
  });
});

describe("plan", () => {
  const entries = [
    { relPath: "small.csv", size: 100, mtime: "1", id: "1:1" },
    { relPath: "big.edf", size: 40 * MiB, mtime: "1", id: "1:2" },
  ];
  test("new files: single PUT up to the part size, multipart above it", () => {
    const p = makePlan(entries, replay(""), { partSize: 16 * MiB, trustJournal: true });
    expect(p.items.map((i) => i.kind)).toEqual(["put", "multipart"]);
    expect(p.totals.requests).toBe(1 + 2 + 3);
  });
  test("unchanged files are skipped from the journal; a live upload of the same file is resumed", () => {
    const j = [
      encodeRecord({
        t: "done",
        key: "small.csv",
        sha256: "0",
        s3: "x",
        size: 100,
        mtime: "1",
        id: "1:1",
      }),
      encodeRecord({
        t: "mpu",
        key: "big.edf",
        uploadId: "u",
        partSize: 16 * MiB,
        at: "",
        size: 40 * MiB,
        mtime: "1",
        id: "1:2",
      }),
      encodeRecord({ t: "part", uploadId: "u", n: 1, etag: "e", sha256: "s", size: 16 * MiB }),
    ].join("");
    const p = makePlan(entries, replay(j), { partSize: 16 * MiB, trustJournal: true });
    expect(p.items[0]?.kind).toBe("skip");
    expect(p.items[1]).toMatchObject({
      kind: "multipart",
      reason: "resuming upload (1 of 3 parts already sent)",
    });
    expect(p.totals.bytesToSend).toBe(24 * MiB);
  });
  test("a changed file supersedes its live upload; an untrusted journal means checking first", () => {
    const j = encodeRecord({
      t: "mpu",
      key: "big.edf",
      uploadId: "u",
      partSize: 16 * MiB,
      at: "",
      size: 40 * MiB,
      mtime: "0",
      id: "1:2",
    });
    const p = makePlan(entries, replay(j), { partSize: 16 * MiB, trustJournal: true });
    expect(p.items[1]).toMatchObject({
      kind: "multipart",
      reason: "changed since its upload started: restarting",
    });
    const q = makePlan(entries, replay(""), { partSize: 16 * MiB, trustJournal: false });
    expect(q.items.map((i) => i.kind)).toEqual(["check", "check"]);
  });
});

describe("gc decisions", () => {
  test("live uploads are kept, owned ones aborted, foreign ones only with --all", () => {
    const s = replay(
      [
        encodeRecord({ t: "mpu", key: "live", uploadId: "L", partSize: 5 * MiB, at: "", ...id }),
        encodeRecord({ t: "owned", ids: ["O"] }),
        encodeRecord({ t: "intent", key: "orphan", at: "2026-11-28T10:00:00Z" }),
      ].join(""),
    );
    const ups = [
      { key: "p/live", uploadId: "L" },
      { key: "p/x", uploadId: "O" },
      { key: "p/orphan", uploadId: "N", initiated: new Date("2026-11-28T10:00:01Z") },
      { key: "p/orphan", uploadId: "OLD", initiated: new Date("2026-11-20T10:00:00Z") },
      { key: "p/foreign", uploadId: "F" },
    ];
    expect(decideGc(ups, s, "p/", false).map((d) => d.action)).toEqual([
      "keep",
      "abort",
      "abort",
      "keep",
      "keep",
    ]);
    expect(decideGc(ups, s, "p/", true).map((d) => d.action)).toEqual([
      "keep",
      "abort",
      "abort",
      "abort",
      "abort",
    ]);
  });
});

describe("memory budget", () => {
  test("near the resident limit, a read waits for other buffers to come back, never for itself", async () => {
    const { MemoryBudget } = await import("../src/engine/limits.ts");
    const m = new MemoryBudget(100, 150, () => 140);
    await m.acquire(20); // alone: goes ahead even though 140 + 20 > 150
    let second = false;
    const p = m.acquire(20).then(() => {
      second = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(second).toBe(false);
    m.release(20);
    await p;
    expect(second).toBe(true);
    expect(m.inUse).toBe(20);
  });
});

describe("bandwidth limit", () => {
  test("a throttled request leaves no abort listener behind (one leaked per request before)", async () => {
    const { BandwidthLimit } = await import("../src/engine/limits.ts");
    const bw = new BandwidthLimit(1_000_000);
    const ac = new AbortController();
    await bw.take(1_000_000, ac.signal); // drains the bucket: every take below waits
    for (let i = 0; i < 200; i++) await bw.take(1_000, ac.signal);
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
  });

  test("an abort ends a bandwidth wait at once with InterruptedError", async () => {
    const { BandwidthLimit } = await import("../src/engine/limits.ts");
    const { InterruptedError } = await import("../src/engine/errors.ts");
    const bw = new BandwidthLimit(1024);
    const ac = new AbortController();
    await bw.take(1024, ac.signal);
    const wait = bw.take(1024 * 3600, ac.signal); // an hour at this rate
    ac.abort();
    await expect(wait).rejects.toBeInstanceOf(InterruptedError);
  });
});
