// The demo's dataset: a TUSZ-shaped tree whose few big files make the multipart resume visible,
// and a throwaway datasets.yaml pointing the real CLI at it and at the local S3 server.
import { writeFileSync } from "node:fs";
import { generateTusz } from "@bgb/testkit";
import { MiB } from "../src/engine/part-size.ts";

export const DEMO_BUCKET = "bgb-demo";
export const DEMO_PREFIX = "tuh/";
export const DEMO_DATASET = "tuh";
export const DEMO_PART_SIZE = 8 * MiB;

/** Three big recordings (~70%, each over 64 MiB at the default 300 MiB) and many small ones. */
export function planSizes(total: number): number[] {
  const big = [0.26, 0.24, 0.22].map((f) => Math.round(total * f));
  const rest = total - big.reduce((a, b) => a + b, 0);
  const count = Math.min(60, Math.max(6, Math.round(rest / (2 * MiB))));
  // varied but summing to `rest`: weights 0.5, 1, 1.5 repeating
  const weights = Array.from({ length: count }, (_, i) => 0.5 + 0.5 * (i % 3));
  const sum = weights.reduce((a, b) => a + b, 0);
  return [...big, ...weights.map((w) => Math.max(64 * 1024, Math.round((rest * w) / sum)))];
}

export async function generateDataset(root: string, total: number, seed: number) {
  const sizes = planSizes(total);
  return generateTusz({ root, seed, patients: 8, files: sizes.length, sizes });
}

/** JSON strings are valid YAML scalars, so paths and URLs need no further quoting. */
export function writeDemoConfig(path: string, source: string, endpoint: string): void {
  const q = JSON.stringify;
  const yaml = [
    "# written by pnpm demo; deleted with the demo's temporary folder",
    "storage_prices:",
    '  price_date: "2026-11-01"',
    "  usd_per_gb_month: { STANDARD: 0.023 }",
    "datasets:",
    `  ${DEMO_DATASET}:`,
    "    description: synthetic TUSZ-shaped demo dataset",
    `    source: ${q(source)}`,
    "    layout: tusz",
    `    bucket: ${DEMO_BUCKET}`,
    `    prefix: ${DEMO_PREFIX}`,
    `    endpoint_url: ${q(endpoint)}`,
    "    region: us-east-1",
    '    include: ["edf/**"]',
    "    storage_class: STANDARD",
    "",
  ];
  writeFileSync(path, yaml.join("\n"));
}
