// The contract between channels/pipeline and the pure conversation core.
// Channels translate their events into `ConversationInput` and render `OutboundMessage`s;
// the pipeline persists `ConversationState` (as JSON) and executes `DomainEffect`s.
// Nothing in here may depend on express, prisma, bullmq or the LINE SDK.

/** The bot's languages: Japanese, English, やさしい日本語, Chinese (simplified), Korean, Vietnamese, Portuguese. */
export type Language = 'ja' | 'en' | 'easy' | 'zh' | 'ko' | 'vi' | 'pt';

export type ConsulterType = 'self' | 'family' | 'agency' | 'neighbour' | 'unsure';

export type Urgency = 'emergency' | 'high' | 'normal';

/**
 * What kind of danger a message shows, for the crisis answer (which help comes first):
 * medical → 119 first; violence / harm_to_others → 110 first; child_abuse → 189; dv → DV lines;
 * suicide / self_harm → the suicide-prevention lines and 24-hour chat services.
 */
export type DangerKind = 'suicide' | 'self_harm' | 'medical' | 'violence' | 'child_abuse' | 'dv' | 'elder_abuse' | 'harm_to_others';

/**
 * The language a message is written in, as far as a short text tells: the bot's own languages
 * and the other languages people in Kyoto write in. `zh` is simplified Chinese.
 */
export type MessageLanguage = 'ja' | 'en' | 'zh' | 'zh-Hant' | 'ko' | 'vi' | 'pt' | 'es' | 'tl' | 'ne' | 'id';

export interface TriageResult {
  urgency: Urgency;
  /** Rule ids that matched, e.g. `suicidal_ideation`. Empty when normal. */
  signals: string[];
  /** 0–100: within a level, higher is more acute (an overdose in progress above a passive wish). */
  score: number;
  /** The reading is unsure: the bot asks the direct safety question (once, never instead of a clear emergency). */
  check: boolean;
  /** The kinds of danger read, most acute first; empty when none. */
  kinds: DangerKind[];
  /** The language the text is written in, when it can be told (null for emoji, digits, too short). */
  language: MessageLanguage | null;
}

export type MediaKind = 'sticker' | 'image' | 'audio' | 'video' | 'file' | 'location';

export type ConversationInput =
  /** First contact or re-entry: LINE follow, web page opened a new session. */
  | { kind: 'start'; returning?: boolean; language?: Language }
  | { kind: 'text'; text: string }
  /** A button or postback; `data` is whatever the core put in `Choice.data`. */
  | { kind: 'choice'; data: string }
  | { kind: 'media'; media: MediaKind }
  /** LINE unfollow / block: no message can be delivered. */
  | { kind: 'stop' }
  /** The intake has been idle past the configured time: hand what we have to staff. */
  | { kind: 'inactivity' }
  /** A staff member claimed or replied: the bot steps back. */
  | { kind: 'staffJoined' }
  /** The counsellor released the case back to the queue: the bot answers again. */
  | { kind: 'staffLeft' }
  /** The follow-up the person opted into ("may we contact you again?") is due. */
  | { kind: 'checkIn' };

export interface ConversationContext {
  now: Date;
  /** Computed by the triage module for text inputs before the core runs. */
  triage: TriageResult | null;
  /** Whether the desk is staffed now, and a human-readable next opening (per language). */
  desk: { open: boolean; nextOpening: Record<Language, string> | null };
  /** Optional overrides of the core's timings (from config); defaults in conversation/turn.ts. */
  timings?: Partial<ConversationTimings>;
  /** What the desk can offer (data/resources.yaml), shown after some answers (conversation/resource-offer.ts). */
  resources?: ResourceGuide;
  /**
   * Who an emergency alert reaches now, so the person is told the truth: staff on duty (desk
   * hours), the on-call counsellor (paged outside desk hours), or nobody until the desk opens.
   * Absent: staff on duty when the desk is open, else nobody.
   */
  staffReach?: StaffReach;
  /** Set when a person writes again after their case was closed (see conversation/returning.ts). */
  returning?: ReturningPerson;
}

export type StaffReach = 'desk' | 'on_call' | 'none';

/** What the core keeps of a returning person's earlier consultation: who wrote, in which language. */
export interface ReturningPerson {
  consulterType: ConsulterType | null;
  language: Language;
  /** flows/returning/welcome-back.yaml, added by the engine's wiring. */
  texts?: ReturningTexts;
}

export type ReturningTextKey = 'welcome' | 'welcome_with_message' | 'listen_label' | 'restart_label';
/** key → language → text; any language may be missing (Japanese is the fallback). */
export type ReturningTexts = Record<ReturningTextKey, Partial<Record<string, string>>>;

export interface ConversationTimings {
  /** Input after this long a silence mid-intake offers "continue or start over". */
  resumeAfterMinutes: number;
  /** After the intake, a new message is queued for staff again only this long after the last queueing. */
  requeueAfterHours: number;
  /** The direct safety question is asked of one person at most once in this many hours. */
  safetyQuestionCooldownHours: number;
}

export interface Choice {
  /** ≤ 20 characters (LINE quick reply label limit). */
  label: string;
  /** ≤ 300 characters (LINE postback data limit). */
  data: string;
}

/** A line to call or a chat to open, as a tap target: `tel:` on the web and a LINE URI action. */
export interface TapAction {
  /** ≤ 20 characters (LINE action label limit), e.g. "075-864-4343 に電話". */
  label: string;
  /** `tel:<digits>` or an https:// chat page. */
  uri: string;
  /** What the line is and when it answers, shown beside the button. */
  name: string;
  hours: string;
}

export type OutboundMessage =
  | { type: 'text'; text: string }
  | { type: 'choices'; text: string; choices: Choice[] }
  | { type: 'link'; text: string; url: string; label: string }
  /** A crisis answer: the words, then lines to call first-first, then (optionally) buttons. */
  | { type: 'actions'; text: string; actions: TapAction[]; choices: Choice[] };

export type HandoffReason =
  | 'completed'
  | 'requested'
  | 'inactive'
  | 'emergency'
  | 'message_after_intake'
  /** The person wrote their consultation in their own words (before or instead of answering). */
  | 'first_message'
  /** The few first questions are answered: the case reaches staff while "tell us more" goes on. */
  | 'first_questions'
  /** "Send as it is": the person stopped the questions and sent what they had. */
  | 'sent_now'
  /** An agency that already assessed the case asks the desk to hand it to the ward center. */
  | 'handover_request'
  /** A button that flags risk (flow choice with `risk:`): queued at once with what was collected. */
  | 'risk'
  /** A person wrote again after their case was closed (conversation/returning.ts). */
  | 'returning'
  /** A message read as high risk (triage `high`): a counsellor sees it now, not after the questions. */
  | 'concern';

export interface HandoffSummary {
  consulterType: ConsulterType | null;
  language: Language;
  /** key → chosen value (or null when skipped) */
  answers: Record<string, string | null>;
  /** key → free text the user wrote at that step */
  freeText: Record<string, string[]>;
  /** Which optional consents were given, by consent kind. */
  consents: Record<string, boolean>;
}

export type StepEventKind = 'reached' | 'answered' | 'skipped' | 'wrote';

export type DomainEffect =
  | {
      type: 'recordAnswer';
      flowId: string;
      stepId: string;
      key: string;
      value: string | null;
      freeText: string | null;
    }
  | { type: 'openCase'; consulterType: ConsulterType | null; language: Language }
  | {
      type: 'updateCase';
      patch: { consulterType?: ConsulterType; language?: Language; stage?: string };
    }
  | { type: 'queueForStaff'; reason: HandoffReason; summary: HandoffSummary }
  | {
      type: 'raiseAlert';
      urgency: 'emergency' | 'high';
      signals: string[];
      /** The triage score (0–100) behind the alert, for the queue's order within a level. */
      score?: number;
      /** The kinds of danger, for notifications (never the person's words). */
      kinds?: DangerKind[];
    }
  | { type: 'recordConsent'; kind: string; granted: boolean; wordingVersion: string }
  /** The bot showed these entries of data/resources.yaml (a referral, counted in the statistics). */
  | { type: 'recordReferral'; resourceIds: string[] }
  | { type: 'deleteUserData' }
  /**
   * The person asked for a meeting or a home visit: the desk reaches out promptly (速やかにアウトリーチ).
   * A task with a deadline for the desk, reminded when it falls due.
   */
  | { type: 'requestOutreach'; kind: 'meeting' | 'home_visit' }
  /** Where people give up: a question was shown, answered, skipped, or written to instead of answered. */
  | { type: 'stepEvent'; flowId: string; stepId: string; event: StepEventKind }
  | { type: 'contactStopped' };

export interface StepResult<S> {
  messages: OutboundMessage[];
  state: S;
  effects: DomainEffect[];
}

/** What the desk can offer (data/resources.yaml), as the core shows it (conversation/resource-offer.ts). */
export interface ResourceGuideEntry {
  id: string;
  kind: string;
  name: string;
  summary: string;
  hours: string;
  page: string;
  phone: string;
  for: string[];
}

export interface ResourceGuide {
  /** When to offer which kinds: after `answerKey` is answered with one of `values`, for these consulters. */
  offers: { consulter: ConsulterType[]; answerKey: string; values: string[]; kinds: string[]; max: number; intro: Partial<Record<Language, string>> & { ja: string } }[];
  entries: ResourceGuideEntry[];
}
