import { expect, test } from "vitest";
import { describeEstimate, estimateCost } from "../../src/plan/cost.ts";
import { MAX_ATTEMPTS, segmentCount, trainRetries } from "../../src/plan/segments.ts";
import { projectConfigs } from "../helpers/project.ts";

const { gpus } = projectConfigs();
const gpusFixed = {
  gpus: { "A100-80GB": { vram_gb: 80, usd_per_hour: 2.5, price_date: "2026-11-01" } },
};

test("estimate = price from gpus.yaml x planned hours, with the price's date", () => {
  const e = estimateCost(gpusFixed, "A100-80GB", 100);
  expect(e).toEqual({
    gpu: "A100-80GB",
    usd_per_hour: 2.5,
    price_date: "2026-11-01",
    price_source: null,
    planned_hours: 100,
    estimate_usd: 250,
  });
  expect(describeEstimate(e as NonNullable<typeof e>)).toMatch(
    /^\$250\.00 \(100 h x \$2\.50\/h for A100-80GB, price of 2026-11-01/,
  );
  expect(estimateCost(gpusFixed, "A100-80GB", 0.25)?.estimate_usd).toBe(0.63);
  expect(estimateCost(gpusFixed, "B300", 1)).toBeNull();
});

test("every GPU in configs/gpus.yaml has a dated price", () => {
  for (const name of Object.keys(gpus.gpus)) {
    expect(estimateCost(gpus, name, 1)?.price_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
});

test("attempts: planned time over the per-attempt timeout, rounded up", () => {
  expect(segmentCount(0.25, 3600)).toBe(1);
  expect(segmentCount(24, 86_400)).toBe(1);
  expect(segmentCount(24.01, 86_400)).toBe(2);
  expect(segmentCount(100, 86_400)).toBe(5);
  expect(segmentCount(1, 60)).toBe(60);
  expect(MAX_ATTEMPTS).toBe(11); // Modal's 10 retries + the first attempt
});

test("train retries: one per extra attempt the time needs, two spares, at most Modal's 10", () => {
  expect(trainRetries(0.25, 3600)).toBe(2);
  expect(trainRetries(100, 86_400)).toBe(6);
  expect(trainRetries(200, 86_400)).toBe(10);
  expect(trainRetries(1000, 86_400)).toBe(10);
});
