import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allJsonSchemas } from "../src/json-schema.ts";

const dir = join(import.meta.dirname, "..", "schemas");

describe("committed JSON Schemas", () => {
  it.each(allJsonSchemas())("the $kind schema file matches the zod schema", ({ file, text }) => {
    let committed = "";
    try {
      committed = readFileSync(join(dir, file), "utf8");
    } catch {}
    expect(
      committed === text,
      `packages/shared/schemas/${file} is out of date: run \`pnpm --filter @bgb/shared schemas\``,
    ).toBe(true);
  });

  it("the training schema forbids unknown keys and knows the later model form", () => {
    const t = JSON.parse(allJsonSchemas().find((s) => s.kind === "training")?.text ?? "{}");
    expect(t.additionalProperties).toBe(false);
    expect(Object.keys(t.properties.model.properties)).toEqual(
      expect.arrayContaining([
        "encoder",
        "rescnn",
        "decoder",
        "mamba",
        "architecture",
        "tcn",
        "graph",
      ]),
    );
  });
});
