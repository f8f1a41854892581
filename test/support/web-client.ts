import { randomUUID } from 'node:crypto';
import { recordEventStream } from './sse.js';

/** A minimal web chat client for API tests: the same calls the page makes. */
export class WebChatClient {
  token = '';
  readonly events: { name: string; data: unknown }[] = [];
  private abort?: AbortController;

  constructor(readonly baseUrl: string) {}

  static async start(baseUrl: string): Promise<WebChatClient> {
    const client = new WebChatClient(baseUrl);
    const response = await fetch(`${baseUrl}/api/chat/sessions`, { method: 'POST' });
    if (response.status !== 201) throw new Error(`session: ${response.status}`);
    client.token = ((await response.json()) as { token: string }).token;
    return client;
  }

  headers(extra: Record<string, string> = {}) {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  async send(body: { text?: string; choice?: { data: string; label: string }; clientMessageId?: string }) {
    const response = await fetch(`${this.baseUrl}/api/chat/messages`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ clientMessageId: body.clientMessageId ?? randomUUID(), ...body }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  async messages(): Promise<any[]> {
    const response = await fetch(`${this.baseUrl}/api/chat/messages`, { headers: this.headers() });
    if (!response.ok) throw new Error(`messages: ${response.status}`);
    return ((await response.json()) as { messages: any[] }).messages;
  }

  /** Opens the live stream and records its events until close(). */
  async openStream(): Promise<void> {
    this.abort = await recordEventStream(`${this.baseUrl}/api/chat/stream`, this.headers(), this.events);
  }

  close() {
    this.abort?.abort();
  }
}
