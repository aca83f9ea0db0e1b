import type { RuleSink } from "../load/issues.ts";
import type { DeepPartial } from "../load/salvage.ts";
import { type DatasetsConfig, LAYOUT_SPLITS } from "../schemas/datasets.ts";

// Objects in these classes must be restored before a read; Modal's bucket mount cannot do that.
const ARCHIVE_CLASSES = new Set(["GLACIER", "DEEP_ARCHIVE"]);

export function datasetsRules(c: DeepPartial<DatasetsConfig>, out: RuleSink): void {
  const prices = c.storage_prices?.usd_per_gb_month;
  const entries = Object.entries(c.datasets ?? {});
  for (const [name, d] of entries) {
    if (!d) continue;
    const at = `datasets.${name}`;
    if (d.storage_class && prices && prices[d.storage_class] === undefined) {
      out.error(
        `${at}.storage_class`,
        `storage class ${d.storage_class} has no price in storage_prices.usd_per_gb_month`,
        `add it there or use one of ${Object.keys(prices).join(", ")}`,
      );
    }
    if (d.storage_class && ARCHIVE_CLASSES.has(d.storage_class)) {
      out.error(
        `${at}.storage_class`,
        `${d.storage_class} objects must be restored before they can be read, so the training mount cannot read them`,
        "use STANDARD, INTELLIGENT_TIERING or GLACIER_IR",
      );
    }
    if (d.layout && d.expected_counts) {
      const splits: readonly string[] = LAYOUT_SPLITS[d.layout];
      for (const split of Object.keys(d.expected_counts)) {
        if (!splits.includes(split)) {
          out.error(
            `${at}.expected_counts.${split}`,
            `layout ${d.layout} has no split "${split}"`,
            `layout ${d.layout} counts splits: ${splits.join(", ")}`,
          );
        }
      }
    }
    if (
      d.source &&
      !d.source.startsWith("s3://") &&
      (d.source_anonymous || d.source_endpoint_url || d.source_region)
    ) {
      const field = d.source_anonymous
        ? "source_anonymous"
        : d.source_endpoint_url
          ? "source_endpoint_url"
          : "source_region";
      out.error(
        `${at}.${field}`,
        `${field} describes an s3:// source, but the source is ${d.source}`,
        "remove it, or make the source s3://<bucket>/<prefix>/",
      );
    }
    if (d.include && d.include.length === 0) {
      out.error(
        `${at}.include`,
        "an empty include list selects no file",
        'use ["**"] for everything',
      );
    }
  }
  // Two datasets writing under the same prefix would overwrite each other's manifest.
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [na, a] = entries[i] as [string, (typeof entries)[number][1]];
      const [nb, b] = entries[j] as [string, (typeof entries)[number][1]];
      if (!a?.bucket || !b?.bucket || !a.prefix || !b.prefix || a.bucket !== b.bucket) continue;
      if ((a.endpoint_url ?? null) !== (b.endpoint_url ?? null)) continue;
      if (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix)) {
        out.error(
          `datasets.${nb}.prefix`,
          `prefix ${b.prefix} overlaps ${na}'s prefix ${a.prefix} in bucket ${a.bucket}`,
          "give each dataset its own prefix",
        );
      }
    }
  }
}
