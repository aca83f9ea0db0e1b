// The report engine without the chart libraries: analysis, sources, terminal and JSON output.
// (`emitReport` loads the charts only for --html/--png.)
export { buildReport } from "./analysis/build-report.ts";
export { type LimitSelection, limitSelection } from "./analysis/limit.ts";
export {
  type CheckId,
  type DatasetInput,
  type Issue,
  REPORT_FORMAT,
  REPORT_NAME,
  type RecordingRow,
  type Report,
  type SplitFigures,
} from "./analysis/types.ts";
export {
  emitReport,
  type ReportOutputOptions,
  type ReportRunOptions,
  runReport,
} from "./cli/run-report.ts";
export {
  EDF_FIXED_BYTES,
  type EdfHeaderResult,
  type EdfInfo,
  edfHeaderLength,
  parseEdfHeader,
} from "./edf/header.ts";
export { type ReportLayout, scanLayout } from "./layout/scan.ts";
export { renderJson } from "./render/json.ts";
export { renderTerminal } from "./render/terminal.ts";
export {
  type DatasetReader,
  type GatherOptions,
  gatherDataset,
  readEdfHeader,
} from "./source/gather.ts";
export {
  type LocalSourceOptions,
  listLocalFiles,
  localReader,
  readLocalDataset,
} from "./source/local.ts";
export { readEdfHeaderFile } from "./source/read-edf-file.ts";
