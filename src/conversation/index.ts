// The conversation core's public API. Channels and the pipeline import from here only.
export type * from './types.js';
export type { ResourceGuide, ResourceGuideEntry } from './resource-offer.js';
export { runConversationStep } from './engine.js';
export {
  STATE_VERSION,
  PHASES,
  initialState,
  parseConversationState,
  conversationStateSchema,
  type ConversationState,
  type Phase,
  type Pending,
  type StepRef,
} from './state.js';
export { decodeChoiceData, encodeChoiceData, type ChoiceData } from './choice-data.js';
export { DEFAULT_TIMINGS, fitToLine } from './turn.js';
export { LINE_LIMITS, clampUtf16, normalizeForMatch } from './text.js';
