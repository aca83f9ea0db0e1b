// `pnpm s3 [--root DIR]`: run the local versitygw until Ctrl-C and print how to point tools at it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startS3Server } from "../s3-server/server.ts";

const rootFlag = process.argv.indexOf("--root");
const root = rootFlag > 0 ? process.argv[rootFlag + 1] : undefined;
if (process.argv.includes("--help")) {
  console.log(
    "usage: pnpm s3 [--root DIR]\nStarts versitygw (posix backend) on a free loopback port until Ctrl-C.",
  );
  process.exit(0);
}
const server = await startS3Server(root ? { root } : {});
// The throwaway credentials go to a private file, not to the terminal or its scrollback.
const envFile = join(mkdtempSync(join(tmpdir(), "bgb-s3-env-")), "env.sh");
writeFileSync(
  envFile,
  Object.entries(server.env)
    .map(([k, v]) => `export ${k}=${v}\n`)
    .join(""),
  { mode: 0o600 },
);
console.log(`versitygw listening at ${server.endpoint} (data in ${server.root})`);
console.log(`In another shell: source ${envFile}`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
