import { z } from "zod";
import { CONFIG_KINDS, type ConfigKind, KINDS } from "./load/kinds.ts";

const TITLES: Record<ConfigKind, string> = {
  training: "Brain-Go-Brr v2 training config (configs/*.yaml read by the trainer)",
  datasets: "configs/datasets.yaml",
  launch: "configs/launch.yaml",
  gpus: "configs/gpus.yaml",
  ci: "configs/ci.yaml",
};

/** Folder (relative to packages/shared) holding <kind>.schema.json for editors. */
export const JSON_SCHEMA_DIR = "schemas";

/**
 * JSON Schema text for one config kind. `io: "input"` describes what may be written in the
 * file (fields with defaults are optional); cross-field rules are not expressible here.
 */
export function jsonSchemaText(kind: ConfigKind): string {
  const schema = z.toJSONSchema(KINDS[kind].schema, { io: "input", unrepresentable: "any" });
  const { $schema, ...rest } = schema;
  const doc = { $schema, title: TITLES[kind], ...rest };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function allJsonSchemas(): { kind: ConfigKind; file: string; text: string }[] {
  return CONFIG_KINDS.map((kind) => ({
    kind,
    file: `${kind}.schema.json`,
    text: jsonSchemaText(kind),
  }));
}
