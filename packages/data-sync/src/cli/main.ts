// The one error boundary: typed errors become one line and a documented exit code.
import { EXIT, type ExitCode, errorEvent, ignoreClosedOutput } from "@bgb/shared";
import { CommanderError } from "commander";
import { InterruptedError, isFatal, StoreError, UsageError } from "../engine/errors.ts";
import { buildProgram } from "./program.ts";

function exitFor(err: unknown): { code: ExitCode; message: string } {
  if (err instanceof UsageError) return { code: EXIT.usage, message: err.message };
  if (isFatal(err)) return { code: EXIT.environment, message: (err as Error).message };
  if (err instanceof InterruptedError) return { code: EXIT.interrupted, message: "interrupted" };
  if (err instanceof StoreError) return { code: EXIT.failed, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: EXIT.failed, message: `unexpected: ${message}` };
}

export async function main(argv: string[], name: string, syncOnly: boolean): Promise<never> {
  ignoreClosedOutput(); // `sync --help | head -1`: no EPIPE stack trace
  const json = argv.includes("--json");
  let pending: Promise<ExitCode> | undefined;
  const program = buildProgram(
    (p) => {
      pending = p;
    },
    name,
    syncOnly,
  );
  // Subcommands do not inherit these when set after they were added: walk them all, or a bad
  // flag of `data-sync gc` exits 1 straight from commander instead of 2.
  const all = [program, ...program.commands];
  for (const cmd of all) {
    cmd.exitOverride();
    cmd.configureOutput({
      writeErr: (s) => {
        if (!json) process.stderr.write(s);
      },
    });
  }
  let code: ExitCode;
  try {
    await program.parseAsync(argv, { from: "user" });
    code = pending ? await pending : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      code = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      if (json && code !== EXIT.ok)
        process.stdout.write(`${JSON.stringify(errorEvent(err.message, code))}\n`);
    } else {
      const { code: c, message } = exitFor(err);
      code = c;
      if (json) process.stdout.write(`${JSON.stringify(errorEvent(message, code))}\n`);
      else process.stderr.write(`error: ${message}\n`);
      if (process.env.BGB_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    }
  }
  // Let stdout drain before leaving (pipes are asynchronous).
  await new Promise<void>((r) => process.stdout.write("", () => r()));
  process.exit(code);
}
