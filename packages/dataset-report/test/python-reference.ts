// Installs the pinned Python reference packages once into the tools cache (like versitygw):
// `pip install --target` into a scratch folder renamed into place, so concurrent runs never
// see half an install and the folder works from wherever it lives (PYTHONPATH).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { toolsDir } from "@bgb/testkit";

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, "fixtures");
const PYTHON = process.env.BGB_PYTHON ?? "python3";

export async function ensurePythonReference(): Promise<string> {
  const req = readFileSync(join(FIXTURES, "requirements.txt"));
  const tag = createHash("sha256").update(req).digest("hex").slice(0, 12);
  const target = join(toolsDir(), `py-edf-reference-${tag}`);
  if (existsSync(target)) return target;
  mkdirSync(toolsDir(), { recursive: true });
  const scratch = mkdtempSync(join(toolsDir(), ".py-"));
  try {
    await run(
      PYTHON,
      [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--target",
        scratch,
      ].concat(["-r", join(FIXTURES, "requirements.txt")]),
      { maxBuffer: 16 << 20 },
    );
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    const detail = (err as { stderr?: string }).stderr?.trim().split("\n").slice(-3).join(" | ");
    throw new Error(
      `could not install the Python EDF reference (pyedflib) with ${PYTHON} -m pip: ${detail}`,
    );
  }
  try {
    renameSync(scratch, target);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another run won the race
  }
  return target;
}

/** Runs a fixture script with the reference packages importable; returns its stdout. */
export async function runReference(script: string, args: string[] = []): Promise<string> {
  const site = await ensurePythonReference();
  const { stdout } = await run(PYTHON, [join(FIXTURES, script), ...args], {
    env: { ...process.env, PYTHONPATH: site },
    maxBuffer: 64 << 20,
  });
  return stdout;
}
