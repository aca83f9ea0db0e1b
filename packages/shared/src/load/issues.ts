/** One problem found in a config file. `path` is a dot path ("" for the whole file). */
export type ConfigIssue = {
  file: string;
  path: string;
  message: string;
  hint?: string;
  /** 1-based line in the file when known (not part of the formatted line). */
  line?: number;
};

/** `<file>: <path>: <message> (<hint>)` on one line; `<file>: <message>` for the whole file. */
export function formatIssue(i: ConfigIssue): string {
  const where = i.path === "" ? "" : `${i.path}: `;
  const hint = i.hint ? ` (${oneLine(i.hint)})` : "";
  return `${i.file}: ${where}${oneLine(i.message)}${hint}`;
}

export type PathSegment = string | number;

export function dotPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".");
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

/** A finding of a rule, before the file is known. */
export type RuleIssue = {
  severity: "error" | "warning";
  path: string;
  message: string;
  hint?: string;
};

/** Tiny collector so rules read as a list of checks. */
export class RuleSink {
  readonly issues: RuleIssue[] = [];
  error(path: string, message: string, hint?: string): void {
    this.issues.push(
      hint ? { severity: "error", path, message, hint } : { severity: "error", path, message },
    );
  }
  warn(path: string, message: string, hint?: string): void {
    this.issues.push(
      hint ? { severity: "warning", path, message, hint } : { severity: "warning", path, message },
    );
  }
}
