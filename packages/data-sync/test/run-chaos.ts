// `pnpm test:chaos [--long]`: the chaos suite (test/chaos*.test.ts). The short form also runs in
// the normal `pnpm test`; --long raises the counts (see RELIABILITY.md for the figures).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const long = process.argv.includes("--long");
const unknown = process.argv.slice(2).filter((a) => a !== "--long");
if (unknown.length > 0) {
  process.stderr.write(`test:chaos: unknown argument ${unknown[0]} (only --long)\n`);
  process.exit(2);
}
const vitest = join(
  dirname(createRequire(join(pkgDir, "package.json")).resolve("vitest/package.json")),
  "vitest.mjs",
);
const child = spawn(process.execPath, [vitest, "run", "test/chaos"], {
  cwd: pkgDir,
  stdio: "inherit",
  env: { ...process.env, BGB_CHAOS: long ? "long" : "short" },
});
child.on("close", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
