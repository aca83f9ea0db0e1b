import { createInterface } from "node:readline/promises";

/** y/N on the terminal; anything but y/yes is no. Asked on stderr so stdout stays clean. */
export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
