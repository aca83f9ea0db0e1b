import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTusz } from "@bgb/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readEdfHeaderFile } from "../src/source/read-edf-file.ts";
import { runReference } from "./python-reference.ts";

interface Reference {
  path: string;
  duration_s: number;
  records: number;
  record_s: number;
  signals: number;
  labels: string[];
  rates: number[];
  dimensions: string[];
}

let dir: string;
let shipped: Reference[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edf-header-"));
  shipped = JSON.parse(await runReference("pyedflib_read.py"));
}, 600_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectAgreement(refs: Reference[]) {
  for (const ref of refs) {
    const got = await readEdfHeaderFile(ref.path);
    if (!got.ok) throw new Error(`${ref.path}: ${got.problem}`);
    const { info } = got;
    expect(info.durationSeconds, ref.path).toBeCloseTo(ref.duration_s, 6);
    expect(info.records, ref.path).toBe(ref.records);
    expect(info.recordSeconds, ref.path).toBeCloseTo(ref.record_s, 9);
    expect(info.signals.length, ref.path).toBe(ref.signals);
    expect(
      info.signals.map((s) => s.label),
      ref.path,
    ).toEqual(ref.labels);
    expect(
      info.signals.map((s) => s.sampleRate),
      ref.path,
    ).toEqual(ref.rates);
    expect(
      info.signals.map((s) => s.physicalDimension),
      ref.path,
    ).toEqual(ref.dimensions);
  }
}

describe("EDF header reader against pyedflib", () => {
  test("agrees on every EDF file shipped in the pyedflib wheel", async () => {
    // test_generator (EDF+C, annotations signal), test_legacy (plain EDF), subsecond, utf8.
    expect(shipped.length).toBeGreaterThanOrEqual(4);
    expect(new Set(shipped.map((r) => r.signals)).size).toBeGreaterThan(1);
    await expectAgreement(shipped);
  });

  test("agrees on the testkit generator's TUSZ-shaped EDF files", async () => {
    const tree = await generateTusz({ root: join(dir, "tusz"), patients: 3, files: 4 });
    const edfs = tree.files
      .filter((f) => f.path.endsWith(".edf"))
      .map((f) => join(tree.root, f.path));
    await expectAgreement(JSON.parse(await runReference("pyedflib_read.py", edfs)));
  });
});

describe("malformed files are reported, not thrown", () => {
  const source = () => {
    const ref = shipped.find((r) => r.path.endsWith("test_generator.edf"));
    if (!ref) throw new Error("pyedflib ships no test_generator.edf");
    return ref.path;
  };
  const variant = async (name: string, edit: (b: Buffer) => Buffer) => {
    const path = join(dir, name);
    await writeFile(path, edit(await readFile(source())));
    return readEdfHeaderFile(path);
  };

  test("a file cut short names both sizes", async () => {
    const path = join(dir, "cut.edf");
    await copyFile(source(), path);
    await truncate(path, 100_000);
    const got = await readEdfHeaderFile(path);
    expect(got).toEqual({
      ok: false,
      problem: expect.stringMatching(/^truncated: 100000 bytes, the header says 2711728 /),
    });
  });

  test("a file shorter than its header, and one shorter than 256 bytes", async () => {
    expect(await variant("head.edf", (b) => b.subarray(0, 1000))).toMatchObject({
      ok: false,
      problem: "truncated: 1000 bytes, the header alone is 3328",
    });
    expect(await variant("tiny.edf", (b) => b.subarray(0, 100))).toMatchObject({
      ok: false,
      problem: "truncated: 100 bytes, an EDF header has at least 256",
    });
  });

  test("extra bytes after the last record", async () => {
    const got = await variant("long.edf", (b) => Buffer.concat([b, Buffer.alloc(10)]));
    expect(got).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^size 2711738 disagrees/),
    });
  });

  test("a non-numeric field, a wrong header length, a BDF file", async () => {
    const put = (b: Buffer, at: number, s: string) => {
      const c = Buffer.from(b);
      c.write(s, at, "latin1");
      return c;
    };
    expect(await variant("nan.edf", (b) => put(b, 236, "six     "))).toMatchObject({
      ok: false,
      problem: 'number of data records is not a number: "six"',
    });
    expect(await variant("hdr.edf", (b) => put(b, 184, "3072    "))).toMatchObject({
      ok: false,
      problem: "header length 3072 != 256 x (12 signals + 1)",
    });
    const bdf = await variant("x.bdf", (b) => {
      const c = Buffer.from(b);
      c[0] = 0xff;
      return c;
    });
    expect(bdf).toMatchObject({ ok: false, problem: "a BDF (24-bit) file, not EDF" });
  });
});
