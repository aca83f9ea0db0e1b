// The manifest guard against partial downloads: per-split .edf counts found vs expected.
import { expect, test } from "vitest";
import { countsMismatch } from "../src/engine/expected-counts.ts";

const keys = [
  "edf/train/a/1.edf",
  "edf/train/a/1.csv_bi",
  "edf/train/b/2.edf",
  "edf/dev/c/3.edf",
  "DOCS/readme.txt",
];

test("counts that match expected_counts (or none configured) pass", () => {
  expect(countsMismatch("tusz", keys, { train: 2, dev: 1 })).toBeUndefined();
  expect(countsMismatch("tusz", keys, null)).toBeUndefined();
});

test("a partial TUSZ download names each split that differs, found vs expected", () => {
  expect(countsMismatch("tusz", keys, { train: 4667, dev: 1, eval: 865 })).toBe(
    "eval: expected 865, found 0; train: expected 4667, found 2",
  );
});

test("a split the config does not expect counts too; flat layouts count all", () => {
  expect(countsMismatch("tusz", keys, { train: 2 })).toBe("dev: expected 0, found 1");
  expect(countsMismatch("chbmit", keys, { all: 686 })).toBe("all: expected 686, found 3");
});
