import { createInterface } from "node:readline/promises";

/**
 * y/N on the terminal; anything but y/yes is no. Asked on stderr so stdout stays clean. Ctrl-C
 * at the prompt (which the terminal's line editor turns into a readline event, not a signal)
 * is passed on as SIGINT, so the bin's one handler decides what it means.
 */
export async function askYesNo(question: string, signal?: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  rl.on("SIGINT", () => process.emit("SIGINT", "SIGINT"));
  try {
    const answer = await rl.question(`${question} [y/N] `, signal ? { signal } : {});
    return /^y(es)?$/i.test(answer.trim());
  } catch (e) {
    if ((e as Error).name === "AbortError") return false;
    throw e;
  } finally {
    rl.close();
  }
}
