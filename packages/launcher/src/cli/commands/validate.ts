import { validateFiles } from "@bgb/shared";
import { ConfigError, EXIT, type ExitCode } from "../../errors.ts";
import { validateWithTrainer } from "../../preflight/trainer-validation.ts";
import type { Runtime } from "../runtime.ts";

/**
 * `pnpm launch validate [files...]`: the given files, or every config under configs/, with the
 * project's schemas and rules; then, when the pinned trainer is checked out, its own Config.
 */
export async function validateCommand(rt: Runtime, files: string[]): Promise<ExitCode> {
  const r = validateFiles(files, rt.ctx.root);
  const t = await validateWithTrainer(rt.ctx.root, files, rt.ctx.env, rt.signal);
  const errors = r.lines.filter((l) => !l.startsWith("warning: "));
  const warnings = r.lines.filter((l) => l.startsWith("warning: "));
  const note = t.state === "checked" || t.state === "nothing-to-check" ? [] : [`note: ${t.note}`];
  if (!r.ok || t.errors.length > 0) {
    throw new ConfigError("invalid config", [...errors, ...t.errors, ...warnings, ...note]);
  }
  if (rt.json) {
    rt.out(
      JSON.stringify({ ok: true, warnings, trainer: { state: t.state, note: t.note } }, null, 2),
    );
  } else {
    for (const line of [...warnings, ...note]) rt.out(line);
    if (t.state === "checked") rt.out(t.note);
    rt.out(files.length ? `valid: ${files.join(", ")}` : "valid: configs/");
  }
  return EXIT.ok;
}
