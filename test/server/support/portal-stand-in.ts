import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../src/common/clock.js';
import {
  OlpError,
  parseKeyRing,
  signPacket,
  verifyPacket,
  type KeyRing,
} from '../../../src/protocol/index.js';

export interface ReceivedPacket {
  command: string;
  connector: string;
  line: string | null;
  data: unknown[];
}

/**
 * How the stand-in treats the next pushes: take them (and confirm after answering, before
 * answering, or never), answer 500, drop the connection, or hold the answer until released.
 */
export type StandInMode = 'confirm-after' | 'confirm-before' | 'no-confirm' | 'error-500' | 'drop' | 'hold';

export interface PortalStandInOptions {
  portalId: string;
  serverId: string;
  keySpec: string;
  /** The server's clock: tokens are signed and checked in its time. */
  clock: Clock;
  /** Where setStatusDelivered goes (changes when the server restarts). */
  serverUrl: string;
}

/**
 * A real HTTP portal for the server to push to: it verifies every signed packet as the portal
 * would, records what it took, answers per message and confirms with a signed setStatusDelivered.
 */
export class PortalStandIn {
  mode: StandInMode = 'confirm-after';
  /** Every push that reached the stand-in, taken or not. */
  requests = 0;
  /** Packets taken, in arrival order. */
  readonly received: ReceivedPacket[] = [];
  /** Packets whose signature did not verify. */
  readonly refused: string[] = [];
  /** Statuses of the confirmations sent to the server. */
  readonly confirmations: number[] = [];
  /** Per-message answer overrides by message id (e.g. `{ ok: false }`, `{ duplicate: true }`). */
  readonly answers = new Map<string, Record<string, unknown>>();
  url = '';
  serverUrl: string;
  private readonly keys: KeyRing;
  private readonly seen = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private held: (() => void)[] = [];
  private arrivals: (() => void)[] = [];
  private server?: Server;

  constructor(private readonly opts: PortalStandInOptions) {
    this.keys = parseKeyRing(opts.keySpec);
    this.serverUrl = opts.serverUrl;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.release();
    await this.settled();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Lets held answers go. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  /** Resolves once `count` packets have been taken in all. */
  async waitForPackets(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  /** Resolves when every confirmation sent so far has been answered by the server. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Message ids taken so far, in order, from receivingMessage packets. */
  messageIds(): string[] {
    return this.received
      .filter((p) => p.command === 'receivingMessage')
      .flatMap((p) => p.data.map((m) => (m as { message: { id: string } }).message.id));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    this.requests++;
    const mode = this.mode;
    if (mode === 'drop') {
      req.socket.destroy();
      return;
    }
    if (mode === 'error-500')
      return this.reply(res, 500, { ok: false, error: [{ code: 'INTERNAL_ERROR', message: 'down' }] });

    const packet = JSON.parse(raw.toString('utf8')) as ReceivedPacket;
    try {
      await verifyPacket({
        token: (req.headers.authorization ?? '').replace(/^Bearer /, ''),
        rawBody: raw,
        command: packet.command,
        self: this.opts.portalId,
        keysFor: (iss) => (iss === this.opts.serverId ? this.keys : undefined),
        rememberJti: async (iss, jti) => !this.seen.has(`${iss}|${jti}`) && !!this.seen.add(`${iss}|${jti}`),
        now: Math.floor(this.opts.clock.nowMs() / 1000),
      });
    } catch (err) {
      this.refused.push(err instanceof OlpError ? err.code : String(err));
      return this.reply(res, 401, {
        ok: false,
        error: [{ code: 'SIGNATURE_INVALID', message: String(err) }],
      });
    }
    this.received.push(packet);
    for (const arrived of this.arrivals.splice(0)) arrived();
    if (mode === 'hold') await new Promise<void>((resolve) => this.held.push(resolve));

    const isMessages = packet.command === 'receivingMessage';
    const messages = isMessages ? (packet.data as { chat: { id: string }; message: { id: string } }[]) : [];
    const confirm = () => this.track(this.confirm(packet, messages));
    if (mode === 'confirm-before' && isMessages) await confirm();
    this.reply(res, 200, {
      ok: true,
      data: isMessages
        ? messages.map((m) => ({
            chat: { id: m.chat.id },
            message: { id: m.message.id },
            ok: true,
            ...this.answers.get(m.message.id),
          }))
        : { result: 'OK' },
    });
    if (mode === 'confirm-after' && isMessages) void confirm();
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    return work.finally(() => this.pending.delete(work));
  }

  /** Sends (late) the confirmation of the `index`th packet taken. */
  confirmPacket(index: number): Promise<void> {
    const packet = this.received[index];
    return this.track(
      this.confirm(packet, packet.data as { chat: { id: string }; message: { id: string } }[]),
    );
  }

  /** setStatusDelivered for the messages it stored (not those it refused). */
  private async confirm(
    packet: ReceivedPacket,
    messages: { chat: { id: string }; message: { id: string } }[],
  ): Promise<void> {
    const stored = messages.filter((m) => this.answers.get(m.message.id)?.ok !== false);
    if (!stored.length) return;
    const marks = stored.map((m) => ({ chat: { id: m.chat.id }, message: { id: m.message.id } }));
    const res = await postSigned({
      url: `${this.serverUrl}/olp/v1/portal`,
      iss: this.opts.portalId,
      aud: this.opts.serverId,
      keys: this.keys,
      clock: this.opts.clock,
      body: { command: 'setStatusDelivered', connector: packet.connector, line: packet.line, data: [marks] },
    });
    this.confirmations.push(res.status);
  }
}

export interface SignedPost {
  url: string;
  iss: string;
  aud: string;
  keys: KeyRing;
  clock: Clock;
  body: { command: string; connector: string; line: string | null; data: unknown };
}

/** Posts a signed OLP/1 packet; resolves the status and parsed reply. */
export async function postSigned(opts: SignedPost): Promise<{ status: number; body: unknown }> {
  const raw = JSON.stringify(opts.body);
  const token = await signPacket({
    iss: opts.iss,
    aud: opts.aud,
    command: opts.body.command,
    rawBody: raw,
    keys: opts.keys,
    now: Math.floor(opts.clock.nowMs() / 1000),
  });
  const res = await fetch(opts.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: raw,
  });
  return { status: res.status, body: await res.json() };
}
