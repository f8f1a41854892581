// What the core puts in `Choice.data` (LINE postback data, web chat button values) and reads back.
// Answers carry the flow and step they belong to, so a button tapped from an earlier message is
// recognised as stale instead of answering the wrong question. Flow and step ids and values are
// restricted to [a-z0-9_] by the flow schema, so ':' is a safe separator.
//
//   a:<flow>:<step>:<value>   answer a question (also summary `confirm` / `fix`)
//   skip:<flow>:<step>        skip a question
//   cmd:<command>             an anywhere command (valid in any state; also for rich menus)
//   sys:<prompt>:<value>      a system prompt: delete:yes|no, continue:go, fix:<key>|_write|_keep,
//                             safety:yes|no|unsure (the direct safety question)
import { COMMAND_NAMES, type CommandName } from '../flows/schema.js';

export type SystemPrompt = 'delete' | 'continue' | 'fix' | 'safety';

export type ChoiceData =
  | { kind: 'answer'; flow: string; step: string; value: string }
  | { kind: 'skip'; flow: string; step: string }
  | { kind: 'command'; command: CommandName }
  | { kind: 'system'; prompt: SystemPrompt; value: string }
  | { kind: 'unknown' };

const SYSTEM_PROMPTS: readonly SystemPrompt[] = ['delete', 'continue', 'fix', 'safety'];
const TOKEN = /^[a-z0-9_]+$/;

export function encodeChoiceData(d: Exclude<ChoiceData, { kind: 'unknown' }>): string {
  switch (d.kind) {
    case 'answer':
      return `a:${d.flow}:${d.step}:${d.value}`;
    case 'skip':
      return `skip:${d.flow}:${d.step}`;
    case 'command':
      return `cmd:${d.command}`;
    case 'system':
      return `sys:${d.prompt}:${d.value}`;
  }
}

export function decodeChoiceData(data: string): ChoiceData {
  const parts = data.split(':');
  if (!parts.every((p) => TOKEN.test(p))) return { kind: 'unknown' };
  const [tag, a, b, c] = parts;
  if (tag === 'a' && parts.length === 4 && a && b && c) return { kind: 'answer', flow: a, step: b, value: c };
  if (tag === 'skip' && parts.length === 3 && a && b) return { kind: 'skip', flow: a, step: b };
  if (tag === 'cmd' && parts.length === 2 && (COMMAND_NAMES as readonly string[]).includes(a ?? '')) {
    return { kind: 'command', command: a as CommandName };
  }
  if (tag === 'sys' && parts.length === 3 && b && (SYSTEM_PROMPTS as readonly string[]).includes(a ?? '')) {
    return { kind: 'system', prompt: a as SystemPrompt, value: b };
  }
  return { kind: 'unknown' };
}
