/** One server-sent event as a client sees it. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export interface SseClient {
  status: number;
  /** Every event received so far, in order. */
  events: SseEvent[];
  /** Comment lines received (heartbeats), without the leading colon. */
  comments: string[];
  /** The first event, received already or arriving within timeoutMs, that matches. */
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** The first comment line, received already or arriving within timeoutMs, that matches. */
  waitForComment(pred: (comment: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): void;
}

/**
 * A minimal EventSource over fetch (which, unlike the browser's, may send headers): used by the
 * tests and the benchmark to follow GET /api/stream.
 */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const aborter = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: aborter.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of [...listeners]) l();
  };
  const wait = <T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = () => {
        const value = probe();
        if (value === undefined) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(value);
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(
          new Error(`no ${what} within ${timeoutMs} ms (events: ${events.map((e) => e.event).join(', ')})`),
        );
      }, timeoutMs);
      listeners.add(listener);
    });
  };

  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let id: string | undefined;
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments.push(line.slice(1).trim());
              else if (line.startsWith('id: ')) id = line.slice(4);
              else if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length > 0) events.push({ id, event, data: data.join('\n') });
          }
          changed();
        }
      } catch {
        // Aborted by close().
      }
    })();
  }

  return {
    status: res.status,
    events,
    comments,
    waitFor: (pred, timeoutMs = 10_000) => wait(() => events.find(pred), timeoutMs, 'matching event'),
    waitForComment: (pred, timeoutMs = 10_000) =>
      wait(() => comments.find(pred), timeoutMs, 'matching comment'),
    close: () => aborter.abort(),
  };
}
