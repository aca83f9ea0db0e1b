// What commands write to and read from: stdout for results, stderr for progress and errors.
import type { LauncherContext } from "../context.ts";

export interface Runtime {
  ctx: LauncherContext;
  json: boolean;
  signal: AbortSignal;
  /** Results: human lines, or the one JSON document with --json. */
  out: (text: string) => void;
  /** Progress, warnings, modal's own output. */
  err: (text: string) => void;
  /** Whether a person can answer a question (stdin and stderr are terminals). */
  interactive: boolean;
  ask: (question: string, signal?: AbortSignal) => Promise<boolean>;
}
