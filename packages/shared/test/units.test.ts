import { describe, expect, it } from "vitest";
import { formatIssue, pyFloatRepr, sensitivityMetricName } from "../src/index.ts";
import { closest, editDistance } from "../src/load/did-you-mean.ts";
import { yaml11Kind, yaml11SafeNumber } from "../src/load/yaml11-trap.ts";

describe("pyFloatRepr (Python repr of a float)", () => {
  it.each([
    [10, "10.0"],
    [2.5, "2.5"],
    [1, "1.0"],
    [0.5, "0.5"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1e16, "1e+16"],
    [123456789012345.6, "123456789012345.6"],
    [-3, "-3.0"],
    [0, "0.0"],
  ])("%d -> %s", (x, s) => {
    expect(pyFloatRepr(x)).toBe(s);
  });
  it("names the metric like the trainer", () => {
    expect(sensitivityMetricName(10)).toBe("sensitivity_at_10.0fa");
  });
});

describe("did you mean", () => {
  it("counts a transposition as one edit", () => {
    expect(editDistance("lerанing".replace("ан", "an"), "learning")).toBe(1);
  });
  it("finds close keys only", () => {
    expect(closest("epoch", ["epochs", "batch_size"])).toBe("epochs");
    expect(closest("xyz", ["epochs", "batch_size"])).toBeUndefined();
  });
});

describe("YAML 1.1 resolution", () => {
  it.each([
    ["3e-4", "str"],
    ["3.0e-4", "float"],
    ["1.0e4", "str"],
    ["yes", "bool"],
    ["0755", "int"],
    ["1:30", "int"],
    ["~", "null"],
  ] as const)("%s is %s to PyYAML", (src, kind) => {
    expect(yaml11Kind(src)).toBe(kind);
  });
  it("suggests a spelling both parsers read as the number", () => {
    expect(yaml11SafeNumber("3e-4", 3e-4)).toBe("3.0e-4");
    expect(yaml11SafeNumber("1E5", 1e5)).toBe("1.0e+5");
  });
});

describe("formatIssue", () => {
  it("is one line: file, path, message, hint", () => {
    expect(
      formatIssue({ file: "a.yaml", path: "x.y", message: "bad\nvalue", hint: "fix it" }),
    ).toBe("a.yaml: x.y: bad value (fix it)");
    expect(formatIssue({ file: "a.yaml", path: "", message: "file not found" })).toBe(
      "a.yaml: file not found",
    );
  });
});
