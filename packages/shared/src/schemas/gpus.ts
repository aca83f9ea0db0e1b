import { z } from "zod";
import { isoDate } from "./common.ts";

export const gpuDefSchema = z.strictObject({
  vram_gb: z.number().int().positive(),
  usd_per_hour: z.number().positive(),
  // Estimates print it so a stale price is visible.
  price_date: isoDate.describe("When usd_per_hour was read (YYYY-MM-DD)"),
  source: z.string().optional(),
});

export const gpusConfigSchema = z.strictObject({
  // Keys are Modal GPU names as passed to `gpu=` (e.g. "A100-80GB").
  gpus: z.record(
    z.string().regex(/^[A-Z0-9][A-Za-z0-9-]*$/, "expected a Modal GPU name such as A100-80GB"),
    gpuDefSchema,
  ),
});

export type GpuDef = z.infer<typeof gpuDefSchema>;
export type GpusConfig = z.infer<typeof gpusConfigSchema>;
