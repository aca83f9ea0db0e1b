import { statSync } from "node:fs";
import { join } from "node:path";
import type { TrainerSourceFact } from "../types.ts";

const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

/** `dir` is the preset's trainer_source: the checkout holding the trainer's src/ package. */
export function probeTrainerSource(root: string, dir: string): TrainerSourceFact {
  const abs = join(root, dir);
  return {
    dir,
    hasDir: isDir(abs),
    hasSrc: isDir(join(abs, "src")),
    hasMain: isFile(join(abs, "src", "__main__.py")),
  };
}
