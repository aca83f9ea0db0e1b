// Writes packages/shared/schemas/<kind>.schema.json (`pnpm --filter @bgb/shared schemas`).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { allJsonSchemas, JSON_SCHEMA_DIR } from "../json-schema.ts";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "..", JSON_SCHEMA_DIR);
mkdirSync(out, { recursive: true });
for (const s of allJsonSchemas()) {
  writeFileSync(join(out, s.file), s.text);
  console.log(`wrote ${join(JSON_SCHEMA_DIR, s.file)}`);
}
