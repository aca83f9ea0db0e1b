import type { z } from "zod";
import { didYouMean } from "./did-you-mean.ts";
import { dotPath, type PathSegment, type RuleIssue } from "./issues.ts";
import { allKeyPaths, enumOptionsAt, knownKeysAt } from "./schema-walk.ts";

type Issue = z.core.$ZodIssue;

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(masked(v))}`;
  return `${typeof v} ${String(v)}`;
}

/** A URL's user:password never reaches an error line (endpoint_url: "https://u:pw@host"). */
function masked(s: string): string {
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/is, "$1***@");
}

function short(v: unknown): string {
  const s = JSON.stringify(typeof v === "string" ? masked(v) : v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function typeName(expected: string): string {
  const names: Record<string, string> = { object: "a mapping", array: "a list", int: "an integer" };
  return names[expected] ?? expected;
}

/** A key written in the wrong section: `experiment.save_plots` -> evaluation.save_plots. */
function elsewhere(schema: z.ZodType, key: string): string | undefined {
  const hits = allKeyPaths(schema).filter((p) => p === key || p.endsWith(`.${key}`));
  return hits.length === 0 ? undefined : `did you mean ${hits.join(" or ")}?`;
}

/** Turns zod issues into one readable issue per problem (one per unknown key). */
export function fromZodIssues(
  schema: z.ZodType,
  data: unknown,
  issues: readonly Issue[],
): RuleIssue[] {
  const out: RuleIssue[] = [];
  const push = (path: readonly PathSegment[], message: string, hint?: string) => {
    out.push(
      hint
        ? { severity: "error", path: dotPath(path), message, hint }
        : { severity: "error", path: dotPath(path), message },
    );
  };
  const visit = (issue: Issue, base: readonly PathSegment[]) => {
    const path = [...base, ...(issue.path as PathSegment[])];
    const value = valueAt(data, path);
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          push(
            [...path, key],
            "unknown key",
            didYouMean(key, knownKeysAt(schema, path)) ?? elsewhere(schema, key),
          );
        }
        return;
      case "invalid_type":
        if (value === undefined) push(path, "required key is missing");
        else push(path, `expected ${typeName(issue.expected)}, got ${describe(value)}`);
        return;
      case "invalid_value": {
        const options = issue.values.map((o) => String(o));
        const hint =
          typeof value === "string" ? didYouMean(value, enumOptionsAt(schema, path)) : undefined;
        push(path, `expected one of ${options.join(" | ")}, got ${short(value)}`, hint);
        return;
      }
      case "too_small":
      case "too_big": {
        const custom = !/^Too (small|big)/.test(issue.message);
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const op =
          issue.code === "too_small"
            ? issue.inclusive
              ? ">="
              : ">"
            : issue.inclusive
              ? "<="
              : "<";
        const what =
          issue.origin === "array" || issue.origin === "set"
            ? `must have ${op} ${String(bound)} items`
            : issue.origin === "string"
              ? `must have ${op} ${String(bound)} characters`
              : `must be ${op} ${String(bound)}`;
        const got = Array.isArray(value) ? `${value.length} items` : short(value);
        push(path, `${custom ? issue.message : what} (got ${got})`);
        return;
      }
      case "invalid_union": {
        // Report the branch that came closest instead of zod's bare "Invalid input".
        const branches = issue.errors.filter((b) => b.length > 0);
        const best = branches.sort((a, b) => a.length - b.length)[0];
        if (best) for (const sub of best) visit(sub, path);
        else push(path, "no accepted form matches");
        return;
      }
      case "invalid_key":
        push(path, `invalid key: ${issue.issues.map((i) => i.message).join("; ")}`);
        return;
      case "invalid_element":
        for (const sub of issue.issues) visit(sub, path);
        return;
      default:
        push(path, value === undefined ? issue.message : `${issue.message} (got ${short(value)})`);
    }
  };
  for (const i of issues) visit(i, []);
  return withoutMissingOfTypos(out, data);
}

/**
 * A misspelt key also leaves the key it meant missing. One error, at the typo, says both
 * ("bukcet: unknown key (did you mean bucket?)"); a "bucket: required key is missing" before it
 * would send the reader looking for the wrong problem.
 */
function withoutMissingOfTypos(out: RuleIssue[], data: unknown): RuleIssue[] {
  const parent = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf(".")));
  const meant = new Set(
    out
      .filter((u) => u.message === "unknown key" && u.hint?.startsWith("did you mean "))
      .map((u) => `${parent(u.path)}.${u.hint?.slice("did you mean ".length, -1)}`),
  );
  return out.filter(
    (i) =>
      !(
        meant.has(parent(i.path) === "" ? `.${i.path}` : i.path) &&
        valueAt(data, i.path.split(".")) === undefined
      ),
  );
}
