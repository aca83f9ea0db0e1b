import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { displayPath, loadProjectConfigs } from "./cross-file.ts";
import { type ConfigIssue, formatIssue } from "./issues.ts";
import { loadConfigFile } from "./load-config-file.ts";

export type ValidateResult = { ok: boolean; lines: string[] };

/**
 * The library behind `pnpm launch validate`: the given files, or (none given) every YAML in
 * configs/ plus the cross-file rules. `lines` holds errors, then warnings ("warning: ...").
 */
export function validateFiles(files: string[], root: string): ValidateResult {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  if (files.length === 0) {
    const dir = join(root, "configs");
    const yamls = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
      : [];
    for (const f of yamls) collect(join(dir, f), root, errors, warnings);
    const project = loadProjectConfigs(root);
    errors.push(...project.errors);
    warnings.push(...project.warnings);
  } else {
    for (const f of files) collect(resolve(f), root, errors, warnings, f);
  }
  const lines = [
    ...dedupe(errors.map(formatIssue)),
    ...dedupe(warnings.map((w) => `warning: ${formatIssue(w)}`)),
  ];
  return { ok: errors.length === 0, lines };
}

function collect(
  abs: string,
  root: string,
  errors: ConfigIssue[],
  warnings: ConfigIssue[],
  given?: string,
): void {
  const shown = displayPath(
    root,
    given !== undefined && !abs.startsWith(resolve(root)) ? given : abs,
  );
  const r = loadConfigFile(abs);
  errors.push(...r.errors.map((i) => ({ ...i, file: shown })));
  warnings.push(...r.warnings.map((i) => ({ ...i, file: shown })));
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
