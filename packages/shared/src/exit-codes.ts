// One exit table for every CLI of the project (`pnpm sync`, `pnpm data-sync`, `pnpm launch`),
// so a script reads all of them the same way. README.md ("Exit codes") documents it once; a
// test checks that table against EXIT_TABLE below, and each CLI tests every row.

export const EXIT = {
  ok: 0,
  /** Some of the work failed: files (the others went on), a launch, a modal command, a run. */
  failed: 1,
  /** The command line or a config is wrong; nothing was done. */
  usage: 2,
  /** This machine or account cannot do it: credentials, bucket, endpoint, state dir, modal CLI. */
  environment: 3,
  /** Stopped by Ctrl-C, SIGTERM or SIGHUP, with what was done kept consistent. */
  interrupted: 130,
} as const;
export type ExitName = keyof typeof EXIT;
export type ExitCode = (typeof EXIT)[ExitName];

/** The signals every CLI treats as "stop cleanly" (exit 130): a terminal, `timeout`, CI, `kill`. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface ExitRow {
  code: ExitCode;
  name: ExitName;
  /** One line, the same in README.md and in every `--help`. */
  meaning: string;
}

export const EXIT_TABLE: readonly ExitRow[] = [
  {
    code: EXIT.ok,
    name: "ok",
    meaning: "done: everything asked for is present, verified or launched",
  },
  {
    code: EXIT.failed,
    name: "failed",
    meaning:
      "some of the work failed: files (the others went on), a launch, a modal command, a run",
  },
  {
    code: EXIT.usage,
    name: "usage",
    meaning: "usage or config error, or a preflight refused: nothing was done; fix the command",
  },
  {
    code: EXIT.environment,
    name: "environment",
    meaning:
      "environment: credentials, bucket, endpoint, permissions, source, state dir, modal CLI",
  },
  {
    code: EXIT.interrupted,
    name: "interrupted",
    meaning: "interrupted (Ctrl-C, SIGTERM, SIGHUP); run the same command again to continue",
  },
];

/** The block every `--help` ends with. */
export function exitCodesHelp(): string {
  return `Exit codes:\n${EXIT_TABLE.map((r) => `  ${String(r.code).padEnd(4)} ${r.meaning}`).join("\n")}`;
}

/**
 * What `--json` prints on stdout for an error that ends the command, in every CLI: a script
 * reading stdout sees why it ended, not only the exit status.
 */
export function errorEvent(
  message: string,
  code: ExitCode,
  lines: readonly string[] = [],
): { event: "error"; message: string; exit_code: ExitCode; lines?: string[] } {
  return {
    event: "error",
    message,
    exit_code: code,
    ...(lines.length > 0 && { lines: [...lines] }),
  };
}
