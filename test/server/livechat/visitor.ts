import type { VisitorEvent } from '../../../src/server/connectors/livechat/livechat-events.service.js';

export interface Started {
  token: string;
  visitorId: string;
  chatId: string;
  expiresAt: string;
}

export interface SseFrame {
  id?: string;
  event?: string;
  data: VisitorEvent;
}

/** A website visitor talking to the live chat endpoints of one line, as a widget would. */
export class Visitor {
  session?: Started;

  constructor(
    readonly serverUrl: string,
    readonly hash: string,
  ) {}

  get base(): string {
    return `${this.serverUrl}/livechat/${encodeURIComponent(this.hash)}`;
  }

  async start(body: Record<string, unknown> = {}): Promise<Started> {
    const res = await fetch(`${this.base}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { data: Started };
    if (res.status !== 201) throw new Error(`start answered ${res.status}: ${JSON.stringify(json)}`);
    this.session = json.data;
    return json.data;
  }

  /** Posts a message (or any body); `token` null sends none, a string sends that one. */
  async post(
    body: unknown,
    token: string | null = this.session?.token ?? null,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.base}/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token !== null && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async poll(
    after: number,
    timeoutSec = 1,
  ): Promise<{ status: number; events: VisitorEvent[]; last?: number }> {
    const res = await fetch(`${this.base}/poll?after=${after}&timeout=${timeoutSec}`, {
      headers: { authorization: `Bearer ${this.session?.token ?? ''}` },
    });
    const json = (await res.json()) as { data?: { events: VisitorEvent[]; last: number } };
    return { status: res.status, events: json.data?.events ?? [], last: json.data?.last };
  }

  /**
   * Opens the SSE stream (token in the query, as an EventSource sends it) and resolves with the
   * first `count` events, then disconnects.
   */
  async stream(count: number, opts: { lastEventId?: string; token?: string } = {}): Promise<SseFrame[]> {
    const token = opts.token ?? this.session?.token ?? '';
    const abort = new AbortController();
    const res = await fetch(`${this.base}/events?token=${encodeURIComponent(token)}`, {
      headers: {
        accept: 'text/event-stream',
        ...(opts.lastEventId && { 'last-event-id': opts.lastEventId }),
      },
      signal: abort.signal,
    });
    if (res.status !== 200) throw new StreamRefused(res.status);
    const frames: SseFrame[] = [];
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      while (frames.length < count) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended after ${frames.length} events`);
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = parseFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (frame) frames.push(frame);
        }
      }
    } finally {
      abort.abort();
    }
    return frames.slice(0, count);
  }
}

export class StreamRefused extends Error {
  constructor(readonly status: number) {
    super(`the stream was refused with ${status}`);
  }
}

function parseFrame(text: string): SseFrame | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
  }
  const data = fields.get('data');
  if (data === undefined) return null;
  return { id: fields.get('id'), event: fields.get('event'), data: JSON.parse(data) as VisitorEvent };
}
