// How a page reaches a person on call. Each kind of contact in data/oncall.yaml is one transport;
// an SMS gateway would be one more implementation of PageTransport (and one more contact field).
import nodemailer from 'nodemailer';
import type { OnCallPerson } from './rota.js';

export interface PageMessage {
  subject: string;
  text: string;
  /** The signed, single-use acknowledgement link. */
  ackUrl: string;
  caseUrl: string;
  pageId: string;
}

export interface PageTransport {
  readonly kind: 'email' | 'webhook';
  /** Whether this person can be reached this way. */
  reaches(person: OnCallPerson): boolean;
  send(person: OnCallPerson, message: PageMessage): Promise<void>;
}

export function emailTransport(settings: { smtpUrl: string | undefined; from: string }): PageTransport {
  return {
    kind: 'email',
    reaches: (person) => settings.smtpUrl !== undefined && person.contacts.email !== undefined,
    async send(person, message) {
      if (!settings.smtpUrl || !person.contacts.email) throw new Error('no e-mail route for this page');
      const transport = nodemailer.createTransport(settings.smtpUrl);
      try {
        await transport.sendMail({ from: settings.from, to: person.contacts.email, subject: message.subject, text: message.text });
      } finally {
        transport.close();
      }
    },
  };
}

export const webhookTransport: PageTransport = {
  kind: 'webhook',
  reaches: (person) => person.contacts.webhook !== undefined,
  async send(person, message) {
    if (!person.contacts.webhook) throw new Error('no webhook for this page');
    // `text` is what Slack and Teams incoming webhooks display; the rest is for other receivers.
    const response = await fetch(person.contacts.webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `${message.subject}\n${message.text}`, kind: 'oncall_page', pageId: message.pageId, ackUrl: message.ackUrl, url: message.caseUrl }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`on-call webhook answered ${response.status}`);
  },
};
