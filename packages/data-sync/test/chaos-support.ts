// Shared by the chaos suite (test/chaos*.test.ts, `pnpm test:chaos [--long]`): the long/short
// switch, canary secrets, and the scans that prove no secret leaks anywhere.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { s3 } from "./support.ts";

/** `pnpm test:chaos --long` sets this; the normal test run is the short form. */
export const LONG = process.env.BGB_CHAOS === "long";

/** Fake but recognisable secrets placed in every child's environment. */
export const CANARY = {
  modalTokenId: "ak-CANARYm0dalTok3nId7f3a",
  modalTokenSecret: "as-CANARYm0dalS3cr3t9b1c",
  awsSecret: "CANARYawsS3cr3tAcc3ssK3y00000000000000000",
} as const;

export const canaryEnv = {
  MODAL_TOKEN_ID: CANARY.modalTokenId,
  MODAL_TOKEN_SECRET: CANARY.modalTokenSecret,
};

/** The secrets that must never appear: the canaries and the real test server's secret key. */
export function secretsIn(text: string): string[] {
  const secrets = [...Object.values(CANARY), s3.secretAccessKey];
  return secrets.filter((s) => text.includes(s));
}

/** Every file under `dir` (journals, locks, state): the secrets any of them contains. */
export function secretsInTree(dir: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile())
        for (const s of secretsIn(readFileSync(p, "latin1"))) hits.push(`${p}: ${s}`);
    }
  };
  walk(dir);
  return hits;
}

/** Deterministic "random" numbers, so a failing seed can be replayed. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}
