import { Agent, get } from "node:http";
import { expect, test } from "vitest";
import { startS3Server } from "../src/index.ts";

// Two requests on one keep-alive agent: how many TCP connections did the server let them use?
async function connectionsFor(keepAlive: boolean): Promise<number> {
  const server = await startS3Server({ keepAlive });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  try {
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = get(`${server.endpoint}/`, { agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        });
        req.on("socket", (s) => sockets.add(s));
        req.on("error", reject);
      });
    }
  } finally {
    agent.destroy();
    await server.stop();
  }
  return sockets.size;
}

test("keepAlive: versitygw keeps connections open between requests (the benchmark's setting, as S3)", async () => {
  expect(await connectionsFor(true)).toBe(1);
  expect(await connectionsFor(false)).toBe(2);
});
