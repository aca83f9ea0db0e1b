// The journal's per-file state is compact (digests as bytes in one arena, the S3 checksum only
// when it is not derived from the digest) and still replays to exactly what was written.
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { encodeRecord, type JournalRecord } from "../src/engine/journal/records.ts";
import {
  DigestArena,
  replay,
  replayFile,
  snapshot,
  snapshotLength,
} from "../src/engine/journal/state.ts";

const digest = (s: string) => createHash("sha256").update(s).digest();

test("done entries give back the SHA-256 and S3 checksum they were written with", () => {
  const single = digest("a");
  const multi = digest("b");
  const records: JournalRecord[] = [
    { t: "hdr", v: 1, endpoint: "e", bucket: "b", prefix: "p/" },
    // single PUT: the stored checksum is the base64 of the file's digest
    {
      t: "done",
      key: "a.edf",
      size: 1,
      mtime: "1",
      id: "7",
      sha256: single.toString("hex"),
      s3: single.toString("base64"),
    },
    // multipart: a composite that is not
    {
      t: "done",
      key: "b.edf",
      size: 2,
      mtime: "2",
      id: "8",
      sha256: multi.toString("hex"),
      s3: "Zm9v-3",
    },
    // not a hex digest (an older or hand-edited journal): kept as written
    { t: "done", key: "c.edf", size: 3, mtime: "3", id: "9", sha256: "x", s3: "y" },
    { t: "done", key: "d.edf", size: 4, mtime: "4", id: "10", sha256: "AB".repeat(32), s3: "z" },
  ];
  const s = replay(records.map(encodeRecord).join(""));
  const plain = (k: string) => {
    const d = s.done.get(k);
    return d && { size: d.size, mtime: d.mtime, id: d.id, sha256: d.sha256, s3: d.s3 };
  };
  for (const r of records.slice(1)) {
    if (r.t !== "done") continue;
    const { t: _t, key, ...rest } = r;
    expect(plain(key)).toEqual(rest);
  }
  // compaction writes the same records back (getters are not lost to a spread)
  expect(snapshot(s)).toEqual(records);
});

test("the digest arena grows and keeps every digest", () => {
  const arena = new DigestArena();
  const at: number[] = [];
  for (let i = 0; i < 5000; i++) at.push(arena.add(digest(String(i)).toString("hex")) as number);
  for (let i = 0; i < 5000; i += 499) {
    expect(arena.hex(at[i] as number)).toBe(digest(String(i)).toString("hex"));
    expect(arena.base64(at[i] as number)).toBe(digest(String(i)).toString("base64"));
  }
  expect(arena.add("not hex")).toBeUndefined();
  expect(arena.add("g".repeat(64))).toBeUndefined();
});

test("a journal read in chunks replays to the same state, split characters and torn tail included", () => {
  const lines = [encodeRecord({ t: "hdr", v: 1, endpoint: "e", bucket: "b", prefix: "p/" })];
  for (let i = 0; i < 50; i++) {
    const h = digest(String(i));
    const key = `sub/électroencéphalogramme-${i}-脑电图.edf`; // multi-byte: chunks split them
    lines.push(
      encodeRecord({
        t: "done",
        key,
        size: i,
        mtime: `${i}`,
        id: `${i}`,
        sha256: h.toString("hex"),
        s3: h.toString("base64"),
      }),
    );
  }
  const text = `${lines.join("")}\n${lines[1]?.slice(0, 30)}`; // an empty line, then a torn one
  const path = join(mkdtempSync(join(tmpdir(), "journal-")), "j.jsonl");
  writeFileSync(path, text);
  const whole = replay(text);
  for (const chunk of [7, 64, 1 << 20]) {
    const s = replayFile(path, chunk);
    expect(s.damagedLines).toBe(1);
    expect(s.records).toBe(51);
    expect(snapshot(s)).toEqual(snapshot(whole));
  }
});

test("snapshotLength counts what snapshot builds, for every kind of record it keeps", () => {
  const hex = digest("x").toString("hex");
  const recs: JournalRecord[] = [
    { t: "hdr", v: 1, endpoint: "e", bucket: "b", prefix: "p/" },
    { t: "done", key: "a", size: 1, mtime: "1", id: "1", sha256: hex, s3: "x" },
    { t: "intent", key: "c", at: "now" },
    { t: "mpu", key: "m", uploadId: "U1", partSize: 5, size: 10, mtime: "1", id: "2", at: "" },
    { t: "part", uploadId: "U1", n: 1, etag: "e1", sha256: "s", size: 5 },
    { t: "part", uploadId: "U1", n: 2, etag: "e2", sha256: "s", size: 5 },
    { t: "mpu", key: "gone", uploadId: "U2", partSize: 5, size: 10, mtime: "1", id: "3", at: "" },
    { t: "end", uploadId: "U2", why: "aborted" },
    { t: "owned", ids: ["U9"] },
    { t: "superseded", key: "p/.bgb-manifest.json", previous: "p/prev.json" },
  ];
  const s = replay(recs.map(encodeRecord).join(""));
  expect(snapshotLength(s)).toBe(snapshot(s).length);
  const withManifest = replay(
    [...recs, { t: "manifest", version: "v", key: "k" } as const].map(encodeRecord).join(""),
  );
  expect(snapshotLength(withManifest)).toBe(snapshot(withManifest).length);
});
