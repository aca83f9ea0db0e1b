// The manifest's file order is byte-wise UTF-8 (what Python's sorted() on encoded keys gives,
// and what the GPU side checks the version with), however buildManifest gets there.
import { describe, expect, it } from "vitest";
import { buildManifest, datasetVersion } from "../src/manifest.ts";

const file = (key: string) => ({ key, size: 1, sha256: "0".repeat(64) });
const utf8Order = (keys: string[]) =>
  [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe("buildManifest order", () => {
  it("sorts ASCII keys byte-wise (upper case before lower, shorter prefix first)", () => {
    const keys = ["edf/b.edf", "edf/B.edf", "edf/a", "edf/a.edf", "Z", "edf/a/x.edf"];
    const m = buildManifest("d", "flat", keys.map(file));
    expect(m.files.map((f) => f.key)).toEqual(utf8Order(keys));
  });

  it("sorts keys past U+D800 by UTF-8 bytes, where UTF-16 order differs", () => {
    // U+FF01 (3 UTF-8 bytes, one UTF-16 unit above the surrogates) sorts before an emoji (4 bytes,
    // a surrogate pair) in UTF-8 but after it in UTF-16 code units.
    const keys = ["a/\u{1F600}.edf", "a/\uFF01.edf", "a/\u00e9.edf", "a/z.edf"];
    expect([...keys].sort()).not.toEqual(utf8Order(keys));
    const m = buildManifest("d", "flat", keys.map(file));
    expect(m.files.map((f) => f.key)).toEqual(utf8Order(keys));
    expect(m.version).toBe(datasetVersion(utf8Order(keys).map(file)));
  });
});
