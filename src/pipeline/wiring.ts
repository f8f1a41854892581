import type { Router } from 'express';
import type { Channel } from '../db/client.js';
import { runConversationStep } from '../conversation/index.js';
import { loadReturningTexts } from '../flows/returning-texts.js';
import { checkFlows, formatIssue, loadFlowCatalog } from '../flows/index.js';
import { loadDeskHours } from '../desk/load.js';
import type { OnCall } from '../oncall/paging.js';
import { loadOnCallRota } from '../oncall/rota.js';
import { emailTransport, webhookTransport } from '../oncall/transports.js';
import { loadReminderPolicy } from '../reminders/policy.js';
import { RealtimePublisher } from '../realtime/bus.js';
import type { Runtime } from '../runtime.js';
import { triageText } from '../triage/index.js';
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
  // A returning person's welcome (flows/returning/welcome-back.yaml) joins the context the pipeline gives.
  const returningTexts = await loadReturningTexts();
  return {
    step: (state, input, ctx) =>
      runConversationStep(
        catalog,
        state as Parameters<typeof runConversationStep>[1],
        input,
        ctx.returning ? { ...ctx, returning: { ...ctx.returning, texts: returningTexts } } : ctx,
      ),
  };
}

export async function createPipelineDeps(runtime: Runtime, channels: ChannelPlugin[]): Promise<{
  pipeline: PipelineDeps;
  senders: Partial<Record<Channel, OutboundSender>>;
}> {
  const desk = loadDeskHours(runtime.config.deskHoursFile);
  // The triage loads its rules and model on first use (seconds on this hardware): do it now, at
  // start-up, so the first person to write after a deploy — perhaps in crisis — is not kept waiting.
  triageText('');
  const adapters: Partial<Record<Channel, ChannelAdapter>> = {};
  const senders: Partial<Record<Channel, OutboundSender>> = {};
  for (const plugin of channels) {
    adapters[plugin.adapter.channel] = plugin.adapter;
    if (plugin.sender) senders[plugin.adapter.channel] = plugin.sender;
  }
  return {
    pipeline: {
      db: runtime.db,
      queues: runtime.queues,
      realtime: new RealtimePublisher(runtime.redisFailFast, runtime.config.redisPrefix, runtime.logger),
      adapters,
      engine: await createConversationEngine(),
      desk,
      triage: triageText,
      reminderPolicy: loadReminderPolicy(desk),
      oncall: createOnCall(runtime, desk),
      logger: runtime.logger,
    },
    senders,
  };
}

/** The on-call rota and the ways a page reaches people (webhook, e-mail through SMTP_URL). */
export function createOnCall(runtime: Runtime, desk: ReturnType<typeof loadDeskHours>): OnCall {
  return {
    rota: loadOnCallRota(desk, runtime.config.onCallFile),
    transports: [webhookTransport, emailTransport({ smtpUrl: runtime.config.notify.smtpUrl, from: runtime.config.notify.emailFrom })],
  };
}
