// The in-process baseline: what a short script on @aws-sdk/lib-storage does. Each file goes
// through `new Upload(...)` (queueSize parts in flight per file), `files` files at once.
// Endpoint and credentials come from the standard AWS environment variables only.
// Usage: lib-storage.ts <source> <bucket> <prefix> <files> <queueSize> <partSizeBytes>
import { createReadStream, readdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import pLimit from "p-limit";

const [source, bucket, prefix, files, queueSize, partSize] = process.argv.slice(2);
if (!source || !bucket || prefix === undefined || !files || !queueSize || !partSize) {
  console.error("usage: lib-storage.ts <source> <bucket> <prefix> <files> <queueSize> <partSize>");
  process.exit(2);
}

const client = new S3Client({ forcePathStyle: true });
const limit = pLimit(Number(files));
const tree = new Map<string, number>();
for (const rel of readdirSync(source, { recursive: true, encoding: "utf8" })) {
  const st = statSync(join(source, rel));
  if (st.isFile()) tree.set(rel.split(sep).join("/"), st.size);
}
let bytes = 0;
await Promise.all(
  [...tree].map(([key, size]) =>
    limit(async () => {
      await new Upload({
        client,
        params: { Bucket: bucket, Key: prefix + key, Body: createReadStream(join(source, key)) },
        queueSize: Number(queueSize),
        partSize: Number(partSize),
      }).done();
      bytes += size;
    }),
  ),
);
console.log(JSON.stringify({ files: tree.size, bytes }));
