import type { z } from "zod";
import { defOf, unwrap } from "./schema-walk.ts";

/** Recursively optional view of a parsed config: what rules see when some fields failed. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parses what can be parsed: each field of an object (or entry of a record) that is valid on
 * its own is kept, with defaults applied. Cross-field rules run on this, so a file with a type
 * error still gets its cross-field errors reported in the same pass.
 */
export function salvage(schema: z.ZodType, value: unknown): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  if (!isPlainObject(value)) return undefined;
  const d = defOf(unwrap(schema));
  const out: Record<string, unknown> = {};
  if (d.type === "object" && d.shape) {
    for (const [k, s] of Object.entries(d.shape)) {
      const v = salvage(s, value[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (d.type === "record" && d.valueType) {
    for (const [k, v0] of Object.entries(value)) {
      const v = salvage(d.valueType, v0);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return undefined;
}
