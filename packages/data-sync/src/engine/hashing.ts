import { createHash } from "node:crypto";

export const sha256b64 = (buf: Buffer): string => createHash("sha256").update(buf).digest("base64");

/** S3's COMPOSITE SHA-256 of a multipart object: hash of the concatenated part digests, "-N". */
export function compositeSha256(partDigestsB64: readonly string[]): string {
  const h = createHash("sha256");
  for (const d of partDigestsB64) h.update(Buffer.from(d, "base64"));
  return `${h.digest("base64")}-${partDigestsB64.length}`;
}
