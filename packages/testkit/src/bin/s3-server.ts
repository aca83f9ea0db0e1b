// `pnpm s3 [--root DIR]`: run the local versitygw until Ctrl-C and print how to point tools at it.
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
console.log(`versitygw listening at ${server.endpoint} (data in ${server.root})`);
console.log("In another shell (throwaway credentials of this server only):");
for (const [k, v] of Object.entries(server.env)) console.log(`  export ${k}=${v}`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
