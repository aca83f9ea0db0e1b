import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { formatBytes } from "../units.ts";
import { type ConfigIssue, dotPath, type RuleIssue, RuleSink } from "./issues.ts";
import { type ConfigByKind, type ConfigKind, KINDS, kindFromFileName } from "./kinds.ts";
import { normalise } from "./normalise.ts";
import { type DeepPartial, salvage } from "./salvage.ts";
import { forEachPlainScalar, lineOf, parseYaml } from "./yaml-read.ts";
import { yaml11Difference } from "./yaml11-trap.ts";
import { fromZodIssues } from "./zod-issues.ts";

/** Larger config files are refused unread (the largest real one is under 10 KiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type LoadResult<K extends ConfigKind> = {
  kind: K;
  /** Present only when there are no errors. */
  config?: ConfigByKind[K];
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
};

/**
 * Reads, parses (YAML 1.2), normalises, validates strictly and applies the cross-field rules,
 * returning every problem at once. Never throws for bad input.
 */
export function loadConfigFile<K extends ConfigKind = ConfigKind>(
  file: string,
  kind?: K,
): LoadResult<K> {
  const { partial: _partial, ...result } = loadConfigFileWithPartial(file, kind);
  return result;
}

/** As loadConfigFile, plus what parsed of an invalid file, so cross-file rules still run. */
export function loadConfigFileWithPartial<K extends ConfigKind = ConfigKind>(
  file: string,
  kind?: K,
): LoadResult<K> & { partial?: DeepPartial<ConfigByKind[K]> } {
  const k = (kind ?? kindFromFileName(file)) as K;
  const spec = KINDS[k];
  const warnings: ConfigIssue[] = [];
  const errors: ConfigIssue[] = [];
  const fail = (message: string, hint?: string, line?: number): LoadResult<K> => {
    const issue: ConfigIssue = { file, path: "", message };
    if (hint) issue.hint = hint;
    if (line !== undefined) issue.line = line;
    return { kind: k, warnings, errors: [issue] };
  };

  let text: string;
  try {
    // Configs are a few KiB; a huge file is the wrong file, refused before it fills memory.
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) {
      return fail(
        `is ${formatBytes(size)}; a config file is at most ${MAX_CONFIG_BYTES / 1024 ** 2} MiB (is this the right file?)`,
      );
    }
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return fail("file not found");
    if (code === "EISDIR") return fail("is a directory, not a YAML file");
    return fail(`cannot read the file (${code ?? String(e)})`);
  }

  const parsed = parseYaml(text);
  if (!parsed.ok) return fail(parsed.message, undefined, parsed.line);
  const { doc, lines } = parsed;
  const at = (r: RuleIssue): ConfigIssue => {
    const issue: ConfigIssue = { file, path: r.path, message: r.message };
    if (r.hint) issue.hint = r.hint;
    const line = r.path === "" ? undefined : lineOf(doc, lines, r.path.split("."));
    if (line !== undefined) issue.line = line;
    return issue;
  };
  for (const w of parsed.warnings) {
    warnings.push(
      w.line === undefined
        ? { file, path: "", message: w.message }
        : { file, path: "", message: w.message, line: w.line },
    );
  }
  if (parsed.data === null || parsed.data === undefined)
    return fail("the file is empty", "expected a mapping of sections");
  if (typeof parsed.data !== "object" || Array.isArray(parsed.data)) {
    return fail("expected a mapping at the top level");
  }

  if (spec.readByPyYaml) {
    forEachPlainScalar(
      doc,
      text,
      (path, source, value) => {
        const d = yaml11Difference(source, value);
        if (d) warnings.push(at({ severity: "warning", path: dotPath(path), ...d }));
      },
      lines,
    );
  }

  const norm = normalise(spec.schema, parsed.data);
  warnings.push(...norm.warnings.map(at));

  const result = spec.schema.safeParse(norm.data);
  const sink = new RuleSink();
  if (!result.success) {
    for (const i of fromZodIssues(spec.schema, norm.data, result.error.issues)) errors.push(at(i));
  }
  if (kind === undefined && k === "training") hintOtherKind(norm.data, errors, file);
  const partial = (result.success ? result.data : salvage(spec.schema, norm.data)) as DeepPartial<
    ConfigByKind[K]
  >;
  if (partial !== undefined)
    (spec.rules as (c: typeof partial, s: RuleSink) => void)(partial, sink);
  for (const r of sink.issues) (r.severity === "error" ? errors : warnings).push(at(r));

  errors.sort(byLine);
  warnings.sort(byLine);
  return errors.length === 0 && result.success
    ? { kind: k, config: result.data as ConfigByKind[K], partial, warnings, errors }
    : { kind: k, partial, warnings, errors };
}

// A launch/datasets/gpus file under another name is read as a training config; say so.
function hintOtherKind(data: unknown, errors: ConfigIssue[], file: string): void {
  const top = Object.keys(data as Record<string, unknown>);
  const marker: [ConfigKind, string][] = [
    ["launch", "presets"],
    ["datasets", "datasets"],
    ["gpus", "gpus"],
  ];
  const other = marker.find(([, key]) => top.includes(key))?.[0];
  if (!other) return;
  for (const e of errors) {
    if (!e.path.includes(".") && e.message === "unknown key") {
      e.hint = `${basename(file)} is read as a training config; a ${other} config must be named ${other}.yaml`;
    }
  }
}

function byLine(a: ConfigIssue, b: ConfigIssue): number {
  return (a.line ?? 0) - (b.line ?? 0);
}
