import type { z } from "zod";
import type { PathSegment, RuleIssue } from "./issues.ts";
import { dotPath } from "./issues.ts";
import { kindOf, schemasAt } from "./schema-walk.ts";

const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Converts quoted numbers and booleans ("3e-4", "true") where the schema wants a number or a
 * boolean, with a warning each: the trainer's pydantic coerces them too, so they are not
 * errors, but the file should say what it means.
 */
export function normalise(
  schema: z.ZodType,
  data: unknown,
): { data: unknown; warnings: RuleIssue[] } {
  const warnings: RuleIssue[] = [];
  const walk = (v: unknown, path: PathSegment[]): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, [...path, k]);
      return out;
    }
    if (typeof v !== "string" || path.length === 0) return v;
    const kinds = new Set(schemasAt(schema, path).map(kindOf));
    if (kinds.has("string") || kinds.has("enum") || kinds.has("literal")) return v;
    const s = v.trim();
    if (kinds.has("number") && NUMERIC.test(s)) {
      const n = Number(s);
      warnings.push({
        severity: "warning",
        path: dotPath(path),
        message: `the string "${v}" was read as the number ${n}`,
        hint: "write the number without quotes",
      });
      return n;
    }
    if (kinds.has("boolean") && (s === "true" || s === "false")) {
      warnings.push({
        severity: "warning",
        path: dotPath(path),
        message: `the string "${v}" was read as the boolean ${s}`,
        hint: "write true/false without quotes",
      });
      return s === "true";
    }
    return v;
  };
  return { data: walk(data, []), warnings };
}
