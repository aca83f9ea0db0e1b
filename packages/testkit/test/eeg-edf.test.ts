import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { rngFor } from "../src/eeg/prng.ts";
import { drawSizes } from "../src/eeg/sizes.ts";
import {
  edfDateTime,
  edfSize,
  parseEdfHeader,
  parseSize,
  readEdfHeader,
  recordsForSize,
  writeEdf,
} from "../src/index.ts";

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), "eeg-edf-"));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const labels = ["EEG FP1-REF", "EEG FP2-REF", "EEG C3-REF"];
const spec = (seed: number, records: number) => ({
  seed,
  patientId: "aaaaadkb X X X",
  recordingId: "Startdate X test",
  ...edfDateTime(2016, 3, 9, 14, 5, 7),
  labels,
  sampleRate: 256,
  records,
});
const sha = async (p: string) =>
  createHash("sha256")
    .update(await readFile(p))
    .digest("hex");

describe("EDF writer", () => {
  test("writes a header every field of which parses back, and data of the declared length", async () => {
    const path = join(await tmp(), "a.edf");
    const written = await writeEdf(path, { ...spec(1, 10), sha256: true });
    const h = await readEdfHeader(path);
    expect(h).toMatchObject({
      version: "0",
      patientId: "aaaaadkb X X X",
      recordingId: "Startdate X test",
      startDate: "09.03.16",
      startTime: "14.05.07",
      headerBytes: 256 * 4,
      records: 10,
      recordSeconds: 1,
    });
    expect(h.signals.map((s) => s.label)).toEqual(labels);
    for (const s of h.signals) {
      expect(s).toMatchObject({ physicalDimension: "uV", digitalMin: -32768, digitalMax: 32767 });
      expect(s.samplesPerRecord).toBe(256);
      expect(s.physicalMin).toBeLessThan(s.physicalMax);
    }
    const recordBytes = h.signals.reduce((n, s) => n + 2 * s.samplesPerRecord, 0);
    expect(h.fileSize).toBe(h.headerBytes + h.records * recordBytes);
    expect(written.size).toBe(h.fileSize);
    expect(written.sha256).toBe(await sha(path));
    // Fixed header fields sit at their spec offsets, space padded.
    const raw = await readFile(path);
    expect(raw.toString("latin1", 0, 8)).toBe("0       ");
    expect(raw.toString("latin1", 184, 192)).toBe("1024    ");
    expect(raw.toString("latin1", 252, 256)).toBe("3   ");
  });

  test("the signal looks like EEG: bounded, zero-mean-ish, not constant, varying between records", async () => {
    const path = join(await tmp(), "b.edf");
    await writeEdf(path, spec(2, 20));
    const raw = await readFile(path);
    const samples = new Int16Array(
      raw.buffer.slice(raw.byteOffset + 1024, raw.byteOffset + raw.length),
    );
    const uv = Array.from(samples, (d) => d * 0.1);
    const mean = uv.reduce((a, b) => a + b, 0) / uv.length;
    const sd = Math.sqrt(uv.reduce((a, b) => a + (b - mean) ** 2, 0) / uv.length);
    expect(Math.abs(mean)).toBeLessThan(15);
    expect(sd).toBeGreaterThan(5);
    expect(Math.max(...uv.map(Math.abs))).toBeLessThan(300);
    const rec = (r: number) => raw.subarray(1024 + r * 1536, 1024 + (r + 1) * 1536).toString("hex");
    expect(new Set(Array.from({ length: 20 }, (_, r) => rec(r))).size).toBe(20);
  });

  test("same seed gives the same bytes, another seed other bytes", async () => {
    const d = await tmp();
    await writeEdf(join(d, "1.edf"), spec(5, 50));
    await writeEdf(join(d, "2.edf"), spec(5, 50));
    await writeEdf(join(d, "3.edf"), spec(6, 50));
    expect(await sha(join(d, "1.edf"))).toBe(await sha(join(d, "2.edf")));
    expect(await sha(join(d, "1.edf"))).not.toBe(await sha(join(d, "3.edf")));
  });

  test("record count lands the file within one record of a target size", () => {
    const record = 19 * 2 * 256;
    for (const target of [30_000, 1 << 20, 123_456_789, 5 * 2 ** 30]) {
      const size = edfSize(19, 256, recordsForSize(target, 19, 256));
      expect(Math.abs(size - target)).toBeLessThanOrEqual(record);
    }
    // Smaller than header + one record: the smallest valid file instead.
    expect(recordsForSize(4096, 19, 256)).toBe(1);
  });

  test("the parser rejects inconsistent headers", () => {
    const good = Buffer.alloc(512, " ");
    good.write("0", 0, "latin1");
    good.write("01.01.16", 168, "latin1");
    good.write("00.00.00", 176, "latin1");
    good.write("999", 184, "latin1"); // header bytes must be 256 * (ns + 1) = 512
    good.write("1", 236, "latin1");
    good.write("1", 244, "latin1");
    good.write("1", 252, "latin1");
    expect(() => parseEdfHeader(good)).toThrow(/header bytes 999/);
    expect(() => parseEdfHeader(good.subarray(0, 100))).toThrow(/truncated/);
  });

  test("writing a ~200 MB file keeps memory bounded (child process, peak RSS)", async () => {
    const out = join(await tmp(), "big.edf");
    const edfModule = resolve(import.meta.dirname, "../src/eeg/edf.ts");
    const script = `
      const { writeEdf, recordsForSize } = await import(${JSON.stringify(edfModule)});
      const labels = Array.from({ length: 19 }, (_, i) => "EEG X" + i + "-REF");
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      const t = performance.now();
      const w = await writeEdf(${JSON.stringify(out)}, { seed: 9, patientId: "p", recordingId: "r",
        startDate: "01.01.16", startTime: "00.00.00", labels, sampleRate: 256,
        records: recordsForSize(200e6, 19, 256) });
      const ms = performance.now() - t;
      console.log(JSON.stringify({ before, peak: process.resourceUsage().maxRSS * 1024, size: w.size, ms }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: resolve(import.meta.dirname, "..") },
    );
    const r = JSON.parse(stdout) as { before: number; peak: number; size: number; ms: number };
    expect(Math.abs(r.size - 200e6)).toBeLessThan(19 * 512);
    expect((await stat(out)).size).toBe(r.size);
    // Two 4 MiB chunk buffers plus a small pool; allow generous slack for V8 and the loader.
    expect(r.peak - r.before).toBeLessThan(40 * 2 ** 20);
    console.log(
      `200 MB EDF: ${(r.size / 2 ** 20 / (r.ms / 1000)).toFixed(0)} MiB/s, peak RSS +${((r.peak - r.before) / 2 ** 20).toFixed(1)} MiB`,
    );
  });
});

describe("sizes", () => {
  test("parseSize understands units and refuses junk", () => {
    expect(parseSize("4096")).toBe(4096);
    expect(parseSize("4KiB")).toBe(4096);
    expect(parseSize("4k")).toBe(4096);
    expect(parseSize("64MiB")).toBe(64 * 2 ** 20);
    expect(parseSize("1.5GB")).toBe(1.5e9);
    expect(parseSize("2 gib")).toBe(2 * 2 ** 30);
    for (const bad of ["", "KiB", "-1", "0", "3QB", "1e3"]) expect(() => parseSize(bad)).toThrow();
  });

  test("log-uniform draws stay in range and are deterministic; explicit lists cycle", () => {
    const spec = { minBytes: 4096, maxBytes: 2 ** 30 };
    const a = drawSizes(spec, 500, rngFor(1, "s"));
    expect(a).toEqual(drawSizes(spec, 500, rngFor(1, "s")));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(4096);
    expect(Math.max(...a)).toBeLessThanOrEqual(2 ** 30);
    // Log-uniform: about half the draws fall below the geometric mean (2 MiB).
    const below = a.filter((s) => s < 2 ** 21).length;
    expect(below).toBeGreaterThan(200);
    expect(below).toBeLessThan(300);
    expect(drawSizes([1, 2], 5, rngFor(1))).toEqual([1, 2, 1, 2, 1]);
    expect(() => drawSizes({ minBytes: 10, maxBytes: 5 }, 1, rngFor(1))).toThrow(/maxBytes/);
  });
});
