/** Optimal-string-alignment distance: a transposition ("lerning" / "lreaning") costs 1. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) =>
    Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= m; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = v;
    }
  }
  return (d[m] as number[])[n] as number;
}

/** The closest candidate within a small edit distance (scaled to the word's length), if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    // A truncated or extended key (gradient_accumulation -> gradient_accumulation_steps).
    const affix =
      (Math.min(w.length, cl.length) >= 6 && (cl.startsWith(w) || w.startsWith(cl))) ||
      (Math.min(w.length, cl.length) >= 3 && (w.startsWith(`${cl}_`) || cl.startsWith(`${w}_`)));
    const dist = affix ? Math.min(editDistance(w, cl), limit) : editDistance(w, cl);
    if (dist <= limit && dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best;
}

/** "did you mean X?"; a word that begins several candidates (A100) lists them all. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const w = word.toLowerCase();
  const extensions = list.filter(
    (c) => w.length >= 3 && c.length > w.length && c.toLowerCase().startsWith(w),
  );
  if (extensions.length > 1 && extensions.length <= 4)
    return `did you mean ${extensions.join(" or ")}?`;
  const c = closest(word, list);
  return c === undefined ? undefined : `did you mean ${c}?`;
}
