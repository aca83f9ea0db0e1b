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

  it("the training schema forbids unknown keys and has the pinned trainer's v3 model keys", () => {
    const t = JSON.parse(allJsonSchemas().find((s) => s.kind === "training")?.text ?? "{}");
    expect(t.additionalProperties).toBe(false);
    expect(Object.keys(t.properties.model.properties).sort()).toEqual(
      ["architecture", "graph", "mamba", "name", "tcn"].sort(),
    );
    expect(t.properties.model.additionalProperties).toBe(false);
  });

  it("the launch schema pins the trainer by full commit and documents preemptible: true", () => {
    const l = JSON.parse(allJsonSchemas().find((s) => s.kind === "launch")?.text ?? "{}");
    expect(l.properties.trainer.properties.commit.pattern).toBe("^[0-9a-f]{40}$");
    expect(l.required).toContain("trainer");
    const preset = l.properties.presets.properties.full;
    expect(preset.properties.preemptible.description).toMatch(/^Always true: Modal does not/);
  });
});
