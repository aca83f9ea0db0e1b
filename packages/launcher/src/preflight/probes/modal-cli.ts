import { modalVersionArgv } from "../../plan/modal-argv.ts";
import { parseModalVersion } from "../../plan/version.ts";
import type { ModalBin } from "../../process/find-modal.ts";
import { lastLine, runCommand } from "../../process/run-command.ts";
import type { ModalCliFact } from "../types.ts";

export async function probeModalCli(
  bin: ModalBin,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<ModalCliFact> {
  if (!bin.found) return { found: false, tried: bin.tried };
  // `--version` is answered before any network call.
  const r = await runCommand(modalVersionArgv(bin.bin), {
    env,
    timeoutMs: 30_000,
    ...(signal ? { signal } : {}),
  });
  const version = parseModalVersion(`${r.stdout}\n${r.stderr}`);
  const error = r.spawnError || r.timedOut || r.code !== 0 ? lastLine(r) : null;
  return { found: true, bin: bin.bin, source: bin.source, version, error };
}
