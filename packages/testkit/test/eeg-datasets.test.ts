import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type DatasetSummary,
  generateChbmit,
  generateTusz,
  readEdfHeader,
  TUSZ_MONTAGES,
  type TuszCounts,
} from "../src/index.ts";

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "eeg-ds-"));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** relative POSIX path -> sha256 of every file under root. */
async function treeHashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out.set(relative(root, full).split(sep).join("/"), sha(await readFile(full)));
  }
  return new Map([...out].sort());
}
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Every EDF header parses and header + records * record size is exactly the file size. */
async function expectValidEdfs(summary: DatasetSummary<unknown>) {
  const edfs = summary.files.filter((f) => f.path.endsWith(".edf"));
  for (const f of edfs) {
    const h = await readEdfHeader(join(summary.root, f.path));
    const recordBytes = h.signals.reduce((n, s) => n + 2 * s.samplesPerRecord, 0);
    expect(h.headerBytes).toBe(256 * (h.signals.length + 1));
    expect(h.headerBytes + h.records * recordBytes, f.path).toBe(h.fileSize);
    expect(h.fileSize).toBe(f.size);
  }
  return edfs;
}

describe("TUSZ-shaped tree", () => {
  const opts = { patients: 14, files: 40, sizes: { minBytes: 8 << 10, maxBytes: 400 << 10 } };
  let a: DatasetSummary<TuszCounts>;
  beforeAll(async () => {
    a = await generateTusz({ root: join(base, "tusz-a"), seed: 42, ...opts });
  });

  test("same seed gives a byte-identical tree, another seed a different one", async () => {
    const b = await generateTusz({ root: join(base, "tusz-b"), seed: 42, ...opts });
    const c = await generateTusz({ root: join(base, "tusz-c"), seed: 43, ...opts });
    const ha = await treeHashes(a.root);
    expect(ha.size).toBe(80);
    expect(await treeHashes(b.root)).toEqual(ha);
    expect(b.files).toEqual(a.files);
    const hc = await treeHashes(c.root);
    expect([...hc.values()].filter((h) => [...ha.values()].includes(h))).toEqual([]);
  });

  test("paths follow the TUSZ layout and the summary matches the disk", async () => {
    const re =
      /^edf\/(train|dev|eval)\/([a-z]{8})\/(s\d{3})_(\d{4})\/(01_tcp_ar|02_tcp_le|03_tcp_ar_a)\/\2_\3_t\d{3}\.(edf|csv)$/;
    for (const f of a.files) expect(f.path).toMatch(re);
    const disk = await treeHashes(a.root);
    expect(a.files.map((f) => f.path)).toEqual([...disk.keys()]);
    expect(a.bytesTotal).toBe(a.files.reduce((n, f) => n + f.size, 0));
    const edfs = await expectValidEdfs(a);
    expect(edfs).toHaveLength(40);
    expect(a.counts.train + a.counts.dev + a.counts.eval).toBe(40);
    for (const split of ["train", "dev", "eval"] as const) {
      expect(edfs.filter((f) => f.path.startsWith(`edf/${split}/`))).toHaveLength(a.counts[split]);
      expect(a.counts[split]).toBeGreaterThan(0);
    }
    expect(new Set(a.files.map((f) => f.path.split("/")[4]))).toEqual(new Set(TUSZ_MONTAGES));
  });

  test("EDF sizes follow the requested distribution, within one record", async () => {
    const record = 19 * 2 * 256;
    for (const f of a.files.filter((x) => x.path.endsWith(".edf"))) {
      expect(f.size).toBeGreaterThanOrEqual(Math.min(8 << 10, 5120 + record) - record);
      expect(f.size).toBeLessThanOrEqual((400 << 10) + record);
    }
  });

  test("splits are patient-disjoint and every patient id is the file-name prefix", () => {
    const splitsOf = new Map<string, Set<string>>();
    for (const f of a.files) {
      const [, split, patient, , , name] = f.path.split("/");
      expect(name?.split("_")[0]).toBe(patient);
      const s = splitsOf.get(patient as string) ?? new Set();
      s.add(split as string);
      splitsOf.set(patient as string, s);
    }
    expect(splitsOf.size).toBe(14);
    for (const splits of splitsOf.values()) expect(splits.size).toBe(1);
  });

  test("a label CSV sits beside each EDF, with header lines and rows covering the recording", async () => {
    for (const f of a.files.filter((x) => x.path.endsWith(".edf"))) {
      const csvPath = f.path.replace(/\.edf$/, ".csv");
      expect(a.files.some((x) => x.path === csvPath)).toBe(true);
      const lines = (await readFile(join(a.root, csvPath), "utf8")).trimEnd().split("\n");
      const h = await readEdfHeader(join(a.root, f.path));
      const duration = h.records * h.recordSeconds;
      expect(lines[0]).toBe("# version = csv_v1.0.0");
      expect(lines).toContain(`# bname = ${csvPath.split("/").pop()?.replace(".csv", "")}`);
      expect(lines).toContain(`# duration = ${duration.toFixed(2)} secs`);
      const at = lines.indexOf("channel,start_time,stop_time,label,confidence");
      expect(lines.slice(0, at).every((l) => l.startsWith("#"))).toBe(true);
      const rows = lines.slice(at + 1).map((l) => l.split(","));
      expect(rows.length).toBeGreaterThanOrEqual(20);
      for (const [ch, start, stop, label, conf] of rows) {
        expect(ch).toMatch(/^[A-Z0-9]+-[A-Z0-9]+$/);
        expect(Number(start)).toBeLessThan(Number(stop));
        expect(Number(stop)).toBeLessThanOrEqual(duration);
        expect(label).toMatch(/^(bckg|seiz|fnsz|gnsz|cpsz|absz|tcsz)$/);
        expect(conf).toBe("1.0000");
      }
    }
  });

  test("the recordings list says what was written: header durations, label seizure rows", async () => {
    const edfs = a.files.filter((f) => f.path.endsWith(".edf")).map((f) => f.path);
    expect(a.recordings.map((r) => r.edf)).toEqual(edfs);
    expect(a.recordings.some((r) => r.seizures.length > 0)).toBe(true);
    expect(a.recordings.some((r) => r.seizures.length === 0)).toBe(true);
    for (const r of a.recordings) {
      const [, split, patient, session, montage] = r.edf.split("/");
      expect([r.split, r.patient, r.session, r.montage]).toEqual([
        split,
        patient,
        session,
        montage,
      ]);
      const h = await readEdfHeader(join(a.root, r.edf));
      expect(r.durationSeconds).toBe(h.records * h.recordSeconds);
      expect(r.channels).toEqual(h.signals.map((x) => x.label));
      const rows = (await readFile(join(a.root, r.labels), "utf8"))
        .split("\n")
        .map((l) => l.split(","))
        .filter((c) => c.length === 5 && c[3] !== "bckg" && c[3] !== "label");
      const written = new Set(rows.map((c) => `${Number(c[1])}-${Number(c[2])}`));
      expect([...written]).toEqual(r.seizures.map((x) => `${x.start}-${x.stop}`));
    }
  });

  test("refuses a non-empty output directory unless replace", async () => {
    const root = join(base, "occupied");
    await mkdir(root, { recursive: true });
    await writeFile(join(root, "stale.edf"), "x");
    await expect(generateTusz({ root, patients: 1, files: 1 })).rejects.toThrow(/not empty/);
    await generateTusz({ root, patients: 1, files: 1, replace: true });
    expect(existsSync(join(root, "stale.edf"))).toBe(false);
    await expect(generateTusz({ root: join(base, "x"), patients: 3, files: 2 })).rejects.toThrow(
      /files \(2\) must be >= patients \(3\)/,
    );
  });
});

describe("CHB-MIT-shaped tree", () => {
  const opts = { patients: 3, files: 9, sizes: [20 << 10, 300 << 10, 1 << 20] };
  let s: DatasetSummary<{ all: number }>;
  beforeAll(async () => {
    s = await generateChbmit({ root: join(base, "chb-a"), seed: 7, ...opts });
  });

  test("layout, record lists and 23-channel 256 Hz EDFs", async () => {
    const edfs = await expectValidEdfs(s);
    expect(s.counts.all).toBe(9);
    for (const f of edfs) {
      expect(f.path).toMatch(/^(chb\d\d)\/\1_\d\d\.edf$/);
      const h = await readEdfHeader(join(s.root, f.path));
      expect(h.signals).toHaveLength(23);
      expect(h.signals.every((x) => x.samplesPerRecord === 256 && h.recordSeconds === 1)).toBe(
        true,
      );
    }
    const records = (await readFile(join(s.root, "RECORDS"), "utf8")).trimEnd().split("\n");
    expect(records).toEqual(edfs.map((f) => f.path));
    const withSeiz = (await readFile(join(s.root, "RECORDS-WITH-SEIZURES"), "utf8"))
      .trimEnd()
      .split("\n");
    expect(withSeiz.length).toBeGreaterThanOrEqual(3); // at least one per patient
    for (const p of withSeiz) {
      expect(records).toContain(p);
      expect(existsSync(join(s.root, `${p}.seizures`))).toBe(true);
    }
    const seizureFiles = s.files.filter((f) => f.path.endsWith(".edf.seizures")).map((f) => f.path);
    expect(seizureFiles).toEqual(withSeiz.map((p) => `${p}.seizures`).sort());
  });

  test("each summary lists its files, times and seizures consistently with RECORDS-WITH-SEIZURES", async () => {
    const withSeiz = new Set(
      (await readFile(join(s.root, "RECORDS-WITH-SEIZURES"), "utf8")).trimEnd().split("\n"),
    );
    for (const p of ["chb01", "chb02", "chb03"]) {
      const text = await readFile(join(s.root, p, `${p}-summary.txt`), "utf8");
      expect(text).toMatch(/^Data Sampling Rate: 256 Hz\n/);
      expect(text).toContain("Channel 23: T8-P8");
      const blocks = text.split("\n\n").filter((b) => b.startsWith("File Name:"));
      expect(blocks.length).toBe(
        s.files.filter((f) => f.path.startsWith(`${p}/`) && f.path.endsWith(".edf")).length,
      );
      for (const b of blocks) {
        const name = /File Name: (\S+)/.exec(b)?.[1];
        expect(b).toMatch(/File Start Time: \d\d:\d\d:\d\d\nFile End Time: \d\d:\d\d:\d\d/);
        const n = Number(/Number of Seizures in File: (\d+)/.exec(b)?.[1]);
        expect(withSeiz.has(`${p}/${name}`)).toBe(n > 0);
        const starts = [...b.matchAll(/Start Time: (\d+) seconds/g)].map((m) => Number(m[1]));
        const ends = [...b.matchAll(/End Time: (\d+) seconds/g)].map((m) => Number(m[1]));
        expect(starts).toHaveLength(n);
        for (const [i, st] of starts.entries()) expect(st).toBeLessThan(ends[i] as number);
      }
    }
  });

  test("the recordings list matches the summary files' seizure times", async () => {
    expect(s.recordings).toHaveLength(9);
    for (const r of s.recordings) {
      const text = await readFile(join(s.root, r.labels), "utf8");
      const name = r.edf.split("/")[1] as string;
      const block = text.split("\n\n").find((b) => b.startsWith(`File Name: ${name}\n`)) ?? "";
      const starts = [...block.matchAll(/Start Time: (\d+) seconds/g)].map((m) => Number(m[1]));
      const stops = [...block.matchAll(/End Time: (\d+) seconds/g)].map((m) => Number(m[1]));
      expect(r.seizures).toEqual(starts.map((start, i) => ({ start, stop: stops[i] })));
      expect(r.patient).toBe(r.edf.split("/")[0]);
    }
  });

  test("SHA256SUMS.txt lists and verifies every other file", async () => {
    const lines = (await readFile(join(s.root, "SHA256SUMS.txt"), "utf8")).trimEnd().split("\n");
    const listed = new Map(
      lines.map((l) => /^([0-9a-f]{64}) {2}(\S+)$/.exec(l)).map((m) => [m?.[2], m?.[1]]),
    );
    const disk = await treeHashes(s.root);
    disk.delete("SHA256SUMS.txt");
    expect(listed).toEqual(disk);
    for (const f of s.files)
      if (f.path !== "SHA256SUMS.txt") expect(f.sha256).toBe(disk.get(f.path));
  });

  test("deterministic by seed", async () => {
    const b = await generateChbmit({ root: join(base, "chb-b"), seed: 7, ...opts });
    const c = await generateChbmit({ root: join(base, "chb-c"), seed: 8, ...opts });
    const sums = (root: string) => readFile(join(root, "SHA256SUMS.txt"), "utf8");
    expect(await sums(b.root)).toBe(await sums(s.root));
    expect(await sums(c.root)).not.toBe(await sums(s.root));
  });
});
