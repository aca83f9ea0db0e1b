// Number formats shared by the terminal and HTML renderers.
export const hours = (h: number) =>
  h >= 100 ? h.toFixed(0) : h >= 1 ? h.toFixed(1) : h.toFixed(2);
export const percent = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
export const tally = (t: Record<string, number>) =>
  Object.entries(t)
    .map(([k, n]) => `${k} (${n})`)
    .join(", ");
/** The first `n` names and how many more, for one-line messages. */
export const someFiles = (files: readonly string[], n = 3) =>
  files.length <= n
    ? files.join(", ")
    : `${files.slice(0, n).join(", ")} and ${files.length - n} more`;

/** "1 error", "2 errors". */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Split names in train/dev/eval order, others after. */
export const splitOrder = (names: readonly string[]) => {
  const order = ["train", "dev", "eval", "all"];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
};

export const counts = (c: Record<string, number>) =>
  splitOrder(Object.keys(c))
    .map((k) => `${k} ${c[k]}`)
    .join(", ");
