// Public API of the triage module: pure, synchronous; everything it reads is loaded once from
// data/triage/ (rules.yaml, normalise.yaml, net.yaml, frames.yaml, roles.yaml, reading.yaml,
// model.json).
export { createTriage, defaultRuleSet, loadReading, matchRule, READER_SIGNALS, triageText, type Layer, type ReadingSettings, type RuleMatch, type Triage, type TriageConfig, type TriageReading } from './triage.js';
export { detectLanguage } from './language.js';
export { FRAMES, loadFrames, parseFrames, readFrame, sentencesOf, type Frame, type FrameReading, type FrameTables } from './frames.js';
export { loadRoles, parseRoles, readRoles, type RoleReading, type RoleTables } from './roles.js';
export { featuresOf, loadModel, modelText, parseModelFile, readWithModel, type ModelReading, type TriageModel } from './model.js';
export { NET_FILE, loadTriageNet, matchNet, parseTriageNet, type NetCategory, type NetMatch, type TriageNet } from './net.js';
export {
  DEFAULT_TRIAGE_DATA_DIR,
  TriageRuleError,
  loadTriageRules,
  parseTriageRules,
  type CompiledRule,
  type RuleLevel,
  type TriageRuleSet,
  type TriageRuleSource,
} from './rules.js';
export { createNormaliser, type NormaliseTables, type NormalisedText, type Normaliser } from './normalise.js';
