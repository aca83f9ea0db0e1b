// `@bgb/shared/cli`: what a CLI's bin and its --help need, and nothing else. It imports no zod,
// yaml or AWS SDK, so a bin that takes only this at start keeps `--help` small (docs/benchmarks.md,
// "Start-up"); `@bgb/shared` itself brings every schema.
export { ignoreClosedOutput } from "../closed-pipe.ts";
export {
  EXIT,
  EXIT_TABLE,
  type ExitCode,
  type ExitName,
  type ExitRow,
  errorEvent,
  exitCodesHelp,
  STOP_SIGNALS,
  type StopSignal,
} from "../exit-codes.ts";
export { type BoundaryOptions, reportError, runCli } from "./boundary.ts";
export {
  CliError,
  type CommanderLikeError,
  EnvironmentError,
  exitCodeFor,
  FailedError,
  InterruptedError,
  isClosedOutput,
  isCommanderError,
  UsageError,
} from "./errors.ts";
