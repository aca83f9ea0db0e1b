import { EXIT, type ExitCode, LaunchFailedError } from "../../errors.ts";
import { followLogs } from "../../operations/follow-logs.ts";
import type { Runtime } from "../runtime.ts";

export async function logsCommand(rt: Runtime, run: string, follow: boolean): Promise<ExitCode> {
  const r = await followLogs(rt.ctx, run, follow);
  if (r.signal === "SIGINT" || r.code === 130) return EXIT.interrupted;
  if (r.code !== 0) {
    throw new LaunchFailedError(`modal app logs exited with ${r.spawnError ?? r.signal ?? r.code}`);
  }
  return EXIT.ok;
}
