import { validateFiles } from "@bgb/shared";
import { ConfigError, EXIT, type ExitCode } from "../../errors.ts";
import type { Runtime } from "../runtime.ts";

/** `pnpm launch validate [files...]`: the given files, or every config under configs/. */
export function validateCommand(rt: Runtime, files: string[]): ExitCode {
  const r = validateFiles(files, rt.ctx.root);
  if (!r.ok) throw new ConfigError("invalid config", r.lines);
  if (rt.json) rt.out(JSON.stringify({ ok: true, warnings: r.lines }, null, 2));
  else {
    for (const line of r.lines) rt.out(line);
    rt.out(files.length ? `valid: ${files.join(", ")}` : "valid: configs/");
  }
  return EXIT.ok;
}
