// Know an EEG dataset before paying for it: the pure engine (buildReport), its sources and
// its renderers.
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
export { type ReportRunOptions, runReport } from "./cli/run-report.ts";
export {
  EDF_FIXED_BYTES,
  type EdfHeaderResult,
  type EdfInfo,
  edfHeaderLength,
  parseEdfHeader,
} from "./edf/header.ts";
export { type ReportLayout, scanLayout } from "./layout/scan.ts";
export { reportCharts } from "./render/charts.ts";
export { renderHtml } from "./render/html.ts";
export { renderedCharts, renderJson, writeHtml, writePngs } from "./render/outputs.ts";
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
