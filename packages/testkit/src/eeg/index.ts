// Synthetic EEG datasets (TUSZ- and CHB-MIT-shaped) for tests, the demo and benchmarks.
export {
  CHBMIT_CHANNELS,
  type ChbmitCounts,
  type ChbmitOptions,
  generateChbmit,
} from "./chbmit.ts";
export {
  type EdfHeader,
  type EdfSignal,
  type EdfWriteSpec,
  type EdfWritten,
  edfDateTime,
  edfSize,
  parseEdfHeader,
  readEdfHeader,
  recordsForSize,
  writeEdf,
} from "./edf.ts";
export type { EegDatasetOptions } from "./options.ts";
export { formatBytes, parseSize, type SizeSpec } from "./sizes.ts";
export type { DatasetSummary, GeneratedFile, GeneratedRecording } from "./tree-writer.ts";
export {
  generateTusz,
  TUSZ_MONTAGES,
  type TuszCounts,
  type TuszOptions,
  type TuszSplit,
  tuszSplitSizes,
} from "./tusz.ts";
