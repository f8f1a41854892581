// Public API of the triage module: pure, synchronous, rules loaded once from data/triage/.
export { createTriage, defaultRuleSet, matchRule, triageText, type RuleMatch, type Triage } from './triage.js';
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
