// Which modal CLI to run: --modal-bin, else BGB_MODAL_BIN, else the project's venv (pinned
// version), else the first `modal` on PATH.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

export const VENV_MODAL = "modal/.venv/bin/modal";

export type ModalBin =
  | { found: true; bin: string; source: "--modal-bin" | "BGB_MODAL_BIN" | "project venv" | "PATH" }
  | { found: false; tried: string[] };

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function findModalBin(opts: {
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  root: string;
}): ModalBin {
  // An explicit choice is final: falling back would run a different modal than the one asked for.
  if (opts.flag) {
    const p = resolve(opts.flag);
    return isExecutable(p)
      ? { found: true, bin: p, source: "--modal-bin" }
      : { found: false, tried: [`--modal-bin ${p}`] };
  }
  const fromEnv = opts.env.BGB_MODAL_BIN;
  if (fromEnv) {
    const p = resolve(fromEnv);
    return isExecutable(p)
      ? { found: true, bin: p, source: "BGB_MODAL_BIN" }
      : { found: false, tried: [`BGB_MODAL_BIN=${p}`] };
  }
  const venv = join(opts.root, VENV_MODAL);
  if (isExecutable(venv)) return { found: true, bin: venv, source: "project venv" };
  for (const dir of (opts.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, "modal");
    if (isExecutable(p)) return { found: true, bin: p, source: "PATH" };
  }
  return { found: false, tried: [venv, "modal on PATH"] };
}
