// The one error boundary of every CLI's bin: what ended the command becomes one line on stderr
// (or one JSON error event on stdout under --json) and a documented exit code; never a stack
// trace (BGB_DEBUG=1 adds one), and never a crash when nobody reads the output any more.
import { ignoreClosedOutput } from "../closed-pipe.ts";
import { EXIT, type ExitCode, errorEvent } from "../exit-codes.ts";
import { CliError, exitCodeFor, isClosedOutput, isCommanderError } from "./errors.ts";

export interface BoundaryOptions {
  /** --json: a script reads stdout, so the error goes there as one `{"event":"error"}` line. */
  json: boolean;
  /**
   * Under --json, also print the human line on stderr. The launcher does (its stdout is one
   * result document, stderr is for people); data-sync does not (its stdout is an event stream
   * and a --json run keeps stderr empty).
   */
  stderrUnderJson?: boolean;
  /** A stop signal arrived: an error nobody classified is its consequence (exit 130). */
  stopped?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Prints what ended the command, once, and returns its exit code. */
export function reportError(err: unknown, o: BoundaryOptions): ExitCode {
  const stdout = o.stdout ?? process.stdout;
  const stderr = o.stderr ?? process.stderr;
  const event = (message: string, code: ExitCode, lines: readonly string[] = []) =>
    stdout.write(`${JSON.stringify(errorEvent(message, code, lines))}\n`);

  // The reader is gone (`... | head -1`): there is nobody to tell, and the work did not finish.
  if (isClosedOutput(err)) return EXIT.failed;
  if (isCommanderError(err)) {
    const code = exitCodeFor(err);
    // commander printed the message and the usage hint on stderr already (unless silenced).
    if (o.json && code !== EXIT.ok) {
      event(err.message.replace(/^error: /, "").replaceAll("\n", " "), code);
    }
    return code;
  }
  let code = exitCodeFor(err);
  let message: string;
  let lines: readonly string[] = [];
  if (err instanceof CliError) {
    message = err.message;
    lines = err.lines;
  } else if (o.stopped) {
    code = EXIT.interrupted;
    message = "interrupted";
  } else {
    message = `unexpected: ${err instanceof Error ? err.message : String(err)} (BGB_DEBUG=1 for details)`;
  }
  if (!o.json || o.stderrUnderJson) {
    for (const l of lines) stderr.write(`${l}\n`);
    stderr.write(`error: ${message}\n`);
  }
  if (o.json && !(err instanceof CliError && err.reportedOnStdout)) event(message, code, lines);
  if (process.env.BGB_DEBUG && err instanceof Error) stderr.write(`${err.stack}\n`);
  return code;
}

/**
 * Runs a bin's body inside the boundary and leaves with its exit code once stdout has drained
 * (pipes are asynchronous). `options` is read after the body ran: the command line may have
 * set --json on the way.
 */
export async function runCli(
  body: () => Promise<ExitCode>,
  options: () => BoundaryOptions,
): Promise<never> {
  ignoreClosedOutput();
  let code: ExitCode;
  try {
    code = await body();
  } catch (err) {
    code = reportError(err, options());
  }
  await new Promise<void>((r) => process.stdout.write("", () => r()));
  process.exit(code);
}
