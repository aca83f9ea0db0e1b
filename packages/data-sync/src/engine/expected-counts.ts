// A dataset's manifest is what training trusts: one written for a partial download (a TUSZ
// mirror that stopped at half of train) would start a run on the wrong data. The per-split
// `.edf` counts are compared with datasets.yaml expected_counts the way the launcher does.
import { type DatasetLayout, splitCounts } from "@bgb/shared/manifest";

/** "train: expected 4667, found 120; dev: ..." for the splits that differ, or undefined. */
export function countsMismatch(
  layout: DatasetLayout,
  keys: Iterable<string>,
  expected: Readonly<Record<string, number>> | null | undefined,
): string | undefined {
  if (!expected) return undefined;
  const found = splitCounts(layout, keys);
  const splits = [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort();
  const wrong = splits.filter((s) => (expected[s] ?? 0) !== (found[s] ?? 0));
  if (wrong.length === 0) return undefined;
  return wrong.map((s) => `${s}: expected ${expected[s] ?? 0}, found ${found[s] ?? 0}`).join("; ");
}
