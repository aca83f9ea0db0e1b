import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = join(here, "..", "..");
export const REPO_ROOT = join(PACKAGE_DIR, "..", "..");
export const BIN = join(PACKAGE_DIR, "src", "bin", "launch.ts");
export const STAND_IN = join(PACKAGE_DIR, "test", "fixtures", "modal-cloud-stand-in.mjs");
export const VENV_MODAL = join(REPO_ROOT, "modal", ".venv", "bin", "modal");
export const VENV_PYTHON = join(REPO_ROOT, "modal", ".venv", "bin", "python");
/** The pinned trainer's schema module, when its checkout is present (sh scripts/trainer.sh). */
export const REAL_TRAINER_SCHEMA = join(
  REPO_ROOT,
  "vendor",
  "brain-go-brr-v2",
  "src",
  "brain_brr",
  "config",
  "schemas.py",
);
export const STAND_IN_TRAINER_SCHEMA = join(
  PACKAGE_DIR,
  "test",
  "fixtures",
  "trainer-schemas-stand-in.py",
);
/** Where scripts/trainer-check-venv.sh keeps its venv for the test user (shared by tests). */
export const TRAINER_CHECK_VENV =
  process.env.BGB_TRAINER_CHECK_VENV ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bgb-tools", "trainer-check-venv");

/** tsx's loader by absolute URL, so the bin also runs from a temporary repo outside this tree. */
export function tsxLoader(): string {
  const loader = join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs");
  if (!existsSync(loader)) throw new Error(`tsx loader not found at ${loader} (pnpm install?)`);
  return pathToFileURL(loader).href;
}
