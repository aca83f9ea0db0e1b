// Cost estimate from configs/gpus.yaml: prices change, so the price date always goes with it.
import type { GpusConfig } from "@bgb/shared";

export interface CostEstimate {
  gpu: string;
  usd_per_hour: number;
  price_date: string;
  price_source: string | null;
  planned_hours: number;
  estimate_usd: number;
}

export function estimateCost(
  gpus: GpusConfig,
  gpu: string,
  plannedHours: number,
): CostEstimate | null {
  const def = gpus.gpus[gpu];
  if (!def) return null;
  return {
    gpu,
    usd_per_hour: def.usd_per_hour,
    price_date: def.price_date,
    price_source: def.source ?? null,
    planned_hours: plannedHours,
    estimate_usd: Math.round(def.usd_per_hour * plannedHours * 100) / 100,
  };
}

export function formatUsd(n: number): string {
  return `$${n.toFixed(2)}`;
}

/** "$250.00 (100 h x $2.50/h for A100-80GB, price of 2026-11-01; GPU time only)" */
export function describeEstimate(e: CostEstimate): string {
  return `${formatUsd(e.estimate_usd)} (${e.planned_hours} h x ${formatUsd(e.usd_per_hour)}/h for ${e.gpu}, price of ${e.price_date}; GPU time only, CPU and memory are billed on top)`;
}
