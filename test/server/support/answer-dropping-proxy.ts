import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardedCall {
  command: string;
  /** What the server answered, whether or not the caller got it. */
  status: number;
  dropped: boolean;
}

/**
 * Sits between the portal and the connector server and forwards every request; for the commands
 * it is told to, the server's answer is thrown away and the caller's connection cut (the answer
 * lost on the way back, after the server acted on the call).
 */
export class AnswerDroppingProxy {
  readonly calls: ForwardedCall[] = [];
  /** Commands whose next answer is dropped, one entry per drop. */
  readonly drop: string[] = [];
  target = '';
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.forward(req).then(
        ({ command, status, headers, body }) => {
          const at = this.drop.indexOf(command);
          if (at >= 0) this.drop.splice(at, 1);
          this.calls.push({ command, status, dropped: at >= 0 });
          if (at >= 0) {
            res.socket?.destroy();
            return;
          }
          res.writeHead(status, headers).end(body);
        },
        () => res.socket?.destroy(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async forward(
    req: IncomingMessage,
  ): Promise<{ command: string; status: number; headers: Record<string, string>; body: Buffer }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let command = '';
    try {
      const parsed = (JSON.parse(raw.toString('utf8')) as { command?: unknown }).command;
      if (typeof parsed === 'string') command = parsed;
    } catch {
      // Not an OLP packet: forwarded as it is.
    }
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const res = await fetch(`${this.target}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      ...(raw.length && { body: raw }),
    });
    const type = res.headers.get('content-type');
    return {
      command,
      status: res.status,
      headers: type ? { 'content-type': type } : {},
      body: Buffer.from(await res.arrayBuffer()),
    };
  }
}
