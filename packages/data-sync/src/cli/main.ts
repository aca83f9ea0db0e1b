// The command line inside the project's one error boundary (@bgb/shared/cli runCli): typed
// errors say their exit code, the boundary prints one line (or one JSON event under --json).
import { EXIT, type ExitCode, runCli } from "@bgb/shared/cli";
import { buildProgram } from "./program.ts";

export async function main(argv: string[], name: string, syncOnly: boolean): Promise<never> {
  const json = argv.includes("--json");
  return runCli(
    async () => {
      let pending: Promise<ExitCode> | undefined;
      const program = buildProgram(
        (p) => {
          pending = p;
        },
        name,
        syncOnly,
      );
      // Subcommands do not inherit these when set after they were added: walk them all, or a
      // bad flag of `data-sync gc` exits 1 straight from commander instead of 2.
      for (const cmd of [program, ...program.commands]) {
        cmd.exitOverride();
        cmd.configureOutput({
          writeErr: (s) => {
            if (!json) process.stderr.write(s); // under --json the boundary's event says it
          },
        });
      }
      await program.parseAsync(argv, { from: "user" });
      return pending ? await pending : EXIT.ok;
    },
    () => ({ json }),
  );
}
