// Public API of the triage module: pure, synchronous, rules and the stem net loaded once from
// data/triage/ (rules.yaml, normalise.yaml, net.yaml).
export { createTriage, defaultRuleSet, matchRule, triageText, type RuleMatch, type Triage, type TriageConfig } from './triage.js';
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
