// The manifest is serialized file by file (no 40 MB string at 200,000 files): its bytes must be
// exactly those of JSON.stringify(manifest, null, 1) + "\n", which the trainer side and the
// version check read.
import { buildManifest } from "@bgb/shared/manifest";
import { expect, test } from "vitest";
import { manifestBody } from "../src/engine/sync.ts";

const sha = (c: string) => c.repeat(64);
const when = new Date("2026-12-02T03:00:00.000Z");

test.each([
  ["no files", []],
  ["one file", [{ key: "edf/train/a/s/m/a_s_t0.edf", size: 1, sha256: sha("a") }]],
  [
    "several, unsorted, non-ASCII and quoted keys",
    [
      { key: 'edf/dev/ü/é"q".edf', size: 2 ** 40, sha256: sha("b") },
      { key: "edf/train/x\\y/1.csv", size: 0, sha256: sha("c") },
      { key: "edf/eval/z/2.edf", size: 12345, sha256: sha("d") },
    ],
  ],
])("manifest body with %s equals JSON.stringify(manifest, null, 1)", (_name, files) => {
  for (const source of [undefined, "s3://src/bucket/"]) {
    const m = buildManifest("tusz", "tusz", files, when, source);
    const body = manifestBody(m);
    expect(body.toString("utf8")).toBe(`${JSON.stringify(m, null, 1)}\n`);
    expect(JSON.parse(body.toString("utf8"))).toEqual(m);
  }
});
