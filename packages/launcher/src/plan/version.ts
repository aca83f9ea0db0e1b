/** "modal client version: 1.6.4" -> "1.6.4". */
export function parseModalVersion(output: string): string | null {
  const m =
    /modal client version:\s*(\d+\.\d+\.\d+)/i.exec(output) ?? /\b(\d+\.\d+\.\d+)\b/.exec(output);
  return m?.[1] ?? null;
}

/** Numeric compare of dotted versions (pre-release suffixes are ignored). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
