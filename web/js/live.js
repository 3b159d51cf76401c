/**
 * Live updates: the portal's event stream GET /api/stream (Server-Sent Events, resumed with
 * Last-Event-ID) read through fetch so that the bearer token travels in a header. When the portal
 * has no stream, or it breaks, the caller's refresh runs on a timer instead.
 */
export class LiveUpdates {
  /**
   * @param {() => string | null} token
   * @param {(event: {type: string, data: any}) => void} onEvent
   * @param {() => void} refresh  called on every event, and every few seconds while polling
   */
  constructor(token, onEvent, refresh) {
    this.token = token;
    this.onEvent = onEvent;
    this.refresh = refresh;
    /** @type {string | null} */
    this.lastId = null;
    this.mode = 'connecting';
    this.stopped = false;
    /** @type {AbortController | null} */
    this.abort = null;
    /** @type {ReturnType<typeof setInterval> | null} */
    this.poller = null;
    /** @type {(mode: string) => void} */
    this.onMode = () => {};
  }

  start() {
    void this.connect();
  }

  stop() {
    this.stopped = true;
    this.abort?.abort();
    if (this.poller) clearInterval(this.poller);
  }

  /** @param {string} mode */
  setMode(mode) {
    this.mode = mode;
    this.onMode(mode);
  }

  async connect() {
    while (!this.stopped) {
      this.abort = new AbortController();
      /** @type {Record<string, string>} */
      const headers = { accept: 'text/event-stream', authorization: `Bearer ${this.token() ?? ''}` };
      if (this.lastId) headers['last-event-id'] = this.lastId;
      try {
        const res = await fetch('/api/stream', { headers, signal: this.abort.signal });
        if (!res.ok || !res.body || !res.headers.get('content-type')?.includes('text/event-stream')) {
          this.poll();
          return;
        }
        this.setMode('live');
        this.refresh();
        await this.read(res.body);
      } catch {
        if (this.stopped) return;
      }
      if (this.stopped) return;
      this.setMode('reconnecting');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  poll() {
    this.setMode('polling');
    this.poller = setInterval(() => this.refresh(), 3000);
  }

  /** @param {ReadableStream<Uint8Array>} body */
  async read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        this.dispatch(block);
      }
    }
  }

  /** @param {string} block one SSE event */
  dispatch(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') this.lastId = value;
    }
    if (data.length === 0) return;
    let parsed;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch {
      parsed = data.join('\n');
    }
    this.onEvent({ type, data: parsed });
  }
}
