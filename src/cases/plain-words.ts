// Codes a person or a colleague must never read: triage signals (`answer:household_worries=violence`),
// intake keys (`message`), consent wording versions (`chat:969f…`). Each becomes the words the
// person saw or plain Japanese, for the console, the printed handover and the reports.
import { loadFlowCatalog } from '../flows/index.js';
import type { Prisma } from '../db/client.js';
import { signalLabel } from '../labels/index.js';
import type { AnswerLabels } from './intake-labels.js';

/** Intake rows that are not answers to a question (src/conversation/turn.ts NOTE_KEY, CORRECTION_KEY). */
export const NOTE_KEY_LABELS: Record<string, string> = { message: '相談者が書いたこと', correction: '相談者による訂正' };

/** The row label of an intake answer: the question's name, or what kind of note it is. */
export function answerRowLabel(labels: AnswerLabels, key: string): string {
  return labels.label(key) ?? NOTE_KEY_LABELS[key] ?? 'そのほかの回答';
}

/**
 * Signals in words, from the one label catalogue (src/labels/): a triage rule's name, or the
 * answer that raised it in the words of the flows ("暮らしの心配: 暴力や暴言がある"). The console
 * names them the same way on queue cards and in the case view.
 */
export function signalWords(signals: unknown[], labels: AnswerLabels): string[] {
  return signals.map((raw) => signalLabel(String(raw), labels.table));
}

type ConsentReader = Pick<Prisma.TransactionClient, 'message'>;

/**
 * What the person agreed to, in the words they saw: the consent question of the intake (its
 * wording version names the flow step), or — for a consent given in the chat — their own reply.
 */
export async function consentWording(db: ConsentReader, consent: { wordingVersion: string; granted: boolean }, language = 'ja'): Promise<string> {
  const chat = /^chat:([0-9a-f-]{36})$/i.exec(consent.wordingVersion);
  if (chat) {
    const message = await db.message.findUnique({ where: { id: chat[1]! }, select: { text: true } });
    return message?.text ? `チャットでのご本人の返事：「${message.text}」` : 'チャットでのご本人の返事（内容は削除されています）';
  }
  try {
    const catalog = await loadFlowCatalog();
    for (const flow of Object.values(catalog.flows)) {
      for (const step of flow.steps) {
        if (step.type === 'question' && step.consent?.version === consent.wordingVersion) {
          const text = step.text as Record<string, string | undefined>;
          return text[language] ?? text.ja ?? 'よりそいの聞き取りでの同意の確認';
        }
      }
    }
  } catch {
    // The flow files cannot be read: a neutral description below.
  }
  return 'よりそいの聞き取りでの同意の確認';
}
