import type { RuleSink } from "../load/issues.ts";
import type { DeepPartial } from "../load/salvage.ts";
import type { GpusConfig } from "../schemas/gpus.ts";

export function gpusRules(c: DeepPartial<GpusConfig>, out: RuleSink): void {
  if (c.gpus && Object.keys(c.gpus).length === 0) out.error("gpus", "no GPU is listed");
}
