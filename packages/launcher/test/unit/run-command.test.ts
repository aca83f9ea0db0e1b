import { expect, test } from "vitest";
import {
  CommandOutputTooLargeError,
  MAX_CAPTURE_BYTES,
  runCommand,
} from "../../src/process/run-command.ts";

// A child writing `n` bytes of "x" to one stream, then exiting 0.
const writer = (stream: "stdout" | "stderr", n: number) => [
  process.execPath,
  "-e",
  `process.${stream}.write(Buffer.alloc(${n}, 120))`,
];

test("output up to the capture limit comes back whole", async () => {
  const r = await runCommand(writer("stdout", MAX_CAPTURE_BYTES));
  expect(r.code).toBe(0);
  expect(r.stdout.length).toBe(MAX_CAPTURE_BYTES);
});

test("stdout past the limit is an error naming the command and the stream, not a cut-off string", async () => {
  const run = runCommand(writer("stdout", MAX_CAPTURE_BYTES + 1));
  await expect(run).rejects.toBeInstanceOf(CommandOutputTooLargeError);
  await expect(run).rejects.toThrow(/^`node` wrote more than 8 MiB to stdout/);
});

test("stderr past the limit names stderr", async () => {
  const run = runCommand(writer("stderr", MAX_CAPTURE_BYTES + 4096));
  await expect(run).rejects.toThrow(/to stderr/);
});
