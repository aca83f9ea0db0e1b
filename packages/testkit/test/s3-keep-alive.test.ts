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

test("cpuSeconds: the server's own CPU grows with the work it is given, and is gone once it stops", async () => {
  const server = await startS3Server({ keepAlive: true });
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  try {
    const before = server.cpuSeconds();
    expect(before).toEqual(expect.any(Number));
    // 800 unsigned listings: each is refused (403) after the server parses and answers it.
    for (let i = 0; i < 800; i++) {
      await new Promise<void>((resolve, reject) => {
        get(`${server.endpoint}/?list-type=2&i=${i}`, { agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        }).on("error", reject);
      });
    }
    const after = server.cpuSeconds() as number;
    expect(after).toBeGreaterThan(before as number);
  } finally {
    agent.destroy();
    await server.stop();
  }
  expect(server.cpuSeconds()).toBeUndefined();
});
