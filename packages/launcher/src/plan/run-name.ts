import { UsageError } from "../errors.ts";

// The GPU side's rule (modal/bgb_modal/paths.py): the name becomes /results/<run>. Starting with a
// letter or digit also keeps a name from ever being read as an option by the modal CLI.
export const RUN_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkRunName(name: string, flag: string): string {
  if (!RUN_NAME_RE.test(name) || name === "." || name === "..") {
    throw new UsageError(
      `${flag} ${JSON.stringify(name)} is not a usable run name (letters, digits, '.', '_', '-', at most 100, starting with a letter or digit)`,
    );
  }
  return name;
}

/** `<preset>-YYYYMMDD-HHMMSS-<4 hex>` in UTC: sorts by time, unique enough for one user. */
export function defaultRunName(preset: string, now: Date, suffix: string): string {
  const iso = now.toISOString(); // 2026-11-28T15:00:00.000Z
  const date = iso.slice(0, 10).replaceAll("-", "");
  const time = iso.slice(11, 19).replaceAll(":", "");
  return `${preset}-${date}-${time}-${suffix}`;
}
