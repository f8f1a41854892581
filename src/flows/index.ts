// Flow files: schema, loading, checking and drawing.
export {
  loadFlowCatalog,
  readFlowSources,
  buildFlowCatalog,
  FlowLoadError,
  formatLoadProblem,
  DEFAULT_FLOWS_DIR,
  DEFAULT_HOTLINES_FILE,
  REPO_ROOT,
  type FlowLoadProblem,
  type FlowSources,
  type SourceFile,
} from './loader.js';
export { checkFlows, formatIssue, type FlowIssue } from './lint.js';
export { flowToMermaid } from './mermaid.js';
export { getStep, resolveRef, stepEdges, type StepEdge } from './graph.js';
export {
  LANGUAGES,
  CONSULTER_TYPES,
  COMMAND_NAMES,
  MESSAGE_KEYS,
  ENTRY_FLOW,
  type CommandName,
  type Flow,
  type FlowCatalog,
  type FlowChoice,
  type FlowStep,
  type Hotline,
  type LocalizedText,
  type MessageKey,
} from './schema.js';
