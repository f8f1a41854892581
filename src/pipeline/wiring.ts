import type { Router } from 'express';
import type { Channel } from '../db/client.js';
import { runConversationStep } from '../conversation/index.js';
import { checkFlows, formatIssue, loadFlowCatalog } from '../flows/index.js';
import { loadDeskHours } from '../desk/load.js';
import { loadReminderPolicy } from '../reminders/policy.js';
import { RealtimePublisher } from '../realtime/bus.js';
import type { Runtime } from '../runtime.js';
import { defaultRuleSet, triageText } from '../triage/index.js';
import type { ChannelAdapter } from './channel-adapter.js';
import type { OutboundSender } from './delivery.js';
import type { ConversationEngine, PipelineDeps } from './process-source.js';

/** What a channel brings: its adapter, its sender (if it sends by API) and its HTTP routes. */
export interface ChannelPlugin {
  adapter: ChannelAdapter;
  sender?: OutboundSender;
  rawBodyRoutes?: { path: string; handler: Router }[];
  routes?: { path: string; handler: Router }[];
}

export class InvalidFlowsError extends Error {
  constructor(report: string) {
    super(`The flow files in flows/ have errors; fix them (yorisoi flows check) and start again:\n${report}`);
    this.name = 'InvalidFlowsError';
  }
}

/** Loads and lints the flows once at start-up: a broken flow file stops the process with a clear report. */
export async function createConversationEngine(): Promise<ConversationEngine> {
  const catalog = await loadFlowCatalog();
  const errors = checkFlows(catalog).filter((issue) => issue.severity === 'error');
  if (errors.length > 0) throw new InvalidFlowsError(errors.map(formatIssue).join('\n'));
  return {
    step: (state, input, ctx) => runConversationStep(catalog, state as Parameters<typeof runConversationStep>[1], input, ctx),
  };
}

export async function createPipelineDeps(runtime: Runtime, channels: ChannelPlugin[]): Promise<{
  pipeline: PipelineDeps;
  senders: Partial<Record<Channel, OutboundSender>>;
}> {
  const adapters: Partial<Record<Channel, ChannelAdapter>> = {};
  const senders: Partial<Record<Channel, OutboundSender>> = {};
  for (const plugin of channels) {
    adapters[plugin.adapter.channel] = plugin.adapter;
    if (plugin.sender) senders[plugin.adapter.channel] = plugin.sender;
  }
  // Triage's data (rules, net, frames, the learned reader) loads here, at start, not inside the
  // first message's job: the first person to write may be the one in danger.
  defaultRuleSet();
  return {
    pipeline: {
      db: runtime.db,
      queues: runtime.queues,
      realtime: new RealtimePublisher(runtime.redisFailFast, runtime.config.redisPrefix, runtime.logger),
      adapters,
      engine: await createConversationEngine(),
      desk: loadDeskHours(),
      triage: triageText,
      reminderPolicy: loadReminderPolicy(loadDeskHours()),
      logger: runtime.logger,
    },
    senders,
  };
}
