// Flag values that are wrong whatever Modal, S3 or git say: refused before the preflight's
// probes (a typo must not wait a minute on `modal secret list` to be reported).
import { statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { GpusConfig } from "@bgb/shared";
import { UsageError } from "../errors.ts";
import type { LaunchFlags, LaunchRequest } from "./request.ts";
import { MAX_TIMEOUT_S } from "./segments.ts";

const MIN_TIMEOUT_S = 60;

/** Throws a UsageError naming the flag; the preset's own values are the preflight's to judge. */
export function checkFlagValues(
  flags: LaunchFlags,
  req: LaunchRequest,
  gpus: GpusConfig,
  root: string,
): void {
  if (flags.gpu !== undefined && !(flags.gpu in gpus.gpus)) {
    const known = Object.keys(gpus.gpus);
    const near = known.filter((g) => g.toLowerCase() === flags.gpu?.toLowerCase());
    throw new UsageError(
      `--gpu ${JSON.stringify(flags.gpu)} is not in configs/gpus.yaml${near.length ? ` (did you mean ${near[0]}?)` : ""}; one of ${known.join(", ")}`,
    );
  }
  if (
    flags.timeout !== undefined &&
    (req.timeoutS < MIN_TIMEOUT_S || req.timeoutS > MAX_TIMEOUT_S)
  ) {
    throw new UsageError(
      `--timeout ${req.timeoutS} is outside ${MIN_TIMEOUT_S}..${MAX_TIMEOUT_S} s (Modal rejects more than 24 h per call; a longer plan runs as several attempts)`,
    );
  }
  if (flags.config !== undefined) {
    const abs = resolve(root, req.config);
    const rel = relative(join(root, "configs"), abs);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new UsageError(
        `--config ${req.config} is not under configs/ (only configs/ is baked into the image)`,
      );
    }
    if (statSync(abs, { throwIfNoEntry: false })?.isFile() !== true) {
      throw new UsageError(`--config ${req.config}: no such file`);
    }
  }
}
