import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  envelopeSchema,
  isFireAndForget,
  MAX_BODY_BYTES,
  OlpError,
  type OlpClaims,
  parseKeyRing,
  verifyPacket,
} from '../../src/protocol/index.js';

/** One call that reached the peer and passed signature verification. */
export interface RecordedCall {
  command: string;
  connector: string;
  line: string | null;
  data: unknown;
  claims: OlpClaims;
  /** The status the peer answered with; -1 when it left the call unanswered ({hang: true}). */
  status: number;
}

/** A call the peer refused before it was recorded (bad signature, malformed body, ...). */
export interface RejectedCall {
  status: number;
  code: string;
  message: string;
}

/** An answer to send, or `{hang: true}` to never answer (until close()). */
export interface PeerAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
export type PeerReply = PeerAnswer | { hang: true };
export type PeerResponder = (call: RecordedCall) => PeerReply | undefined | Promise<PeerReply | undefined>;

export interface OlpPeer {
  url: string;
  port: number;
  /** Verified calls, in arrival order. */
  calls: RecordedCall[];
  rejected: RejectedCall[];
  /** The first call, recorded already or arriving within timeoutMs, that matches. */
  waitFor(pred: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Custom answers; return undefined for the default one. Pass undefined to restore the defaults. */
  respond(fn: PeerResponder | undefined): void;
  close(): Promise<void>;
}

export interface OlpPeerOptions {
  /** The portal's keys (`kid:secret,...`), as in OLP_KEYS. */
  keySpec: string;
  serverId: string;
  portalId: string;
  /** A fixed port, e.g. to come back on the same URL after close(); random by default. */
  port?: number;
  /** The verifier's clock in unix seconds, for portals running on a ManualClock. */
  now?: () => number;
}

/**
 * A real HTTP server standing in for the connector server: it verifies every call to
 * POST /olp/v1/portal exactly as the server does (aud = serverId, iss = portalId, fresh jti,
 * cmd and bh bound to the body) and records it. By default it answers 202 {ok:true,data:null} to
 * fire-and-forget methods and 200 {ok:true,data:{}} to the others.
 */
export async function startOlpPeer(opts: OlpPeerOptions): Promise<OlpPeer> {
  const ring = parseKeyRing(opts.keySpec);
  const seenJti = new Map<string, number>();
  const calls: RecordedCall[] = [];
  const rejected: RejectedCall[] = [];
  const waiters = new Set<(call: RecordedCall) => void>();
  let responder: PeerResponder | undefined;

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
  };
  const refuse = (res: ServerResponse, err: OlpError) => {
    rejected.push({ status: err.status, code: err.code, message: err.message });
    reply(res, err.status, err.toReply());
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/olp/v1/portal') {
      return refuse(res, new OlpError(404, 'UNKNOWN_COMMAND', `no route ${req.method} ${req.url}`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return refuse(res, new OlpError(413, 'PACKET_TOO_LARGE', 'body too large'));
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(res, new OlpError(400, 'MALFORMED_PACKET', 'body is not JSON', 'body'));
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      return refuse(res, new OlpError(400, 'MALFORMED_PACKET', envelope.error.message, 'body'));
    }
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    let claims: OlpClaims;
    try {
      claims = await verifyPacket({
        token,
        rawBody: raw,
        command: envelope.data.command,
        self: opts.serverId,
        keysFor: (iss) => (iss === opts.portalId ? ring : undefined),
        rememberJti: async (iss, jti, expiresAt) => {
          const key = `${iss}\u0000${jti}`;
          const now = Date.now();
          for (const [k, until] of seenJti) if (until < now) seenJti.delete(k);
          if (seenJti.has(key)) return false;
          seenJti.set(key, expiresAt.getTime());
          return true;
        },
        now: opts.now?.(),
      });
    } catch (err) {
      if (err instanceof OlpError) return refuse(res, err);
      throw err;
    }
    const { command, connector, line, data } = envelope.data;
    const call: RecordedCall = { command, connector, line, data, claims, status: 0 };
    const custom = await responder?.(call);
    if (custom && 'hang' in custom) {
      call.status = -1;
      record(call);
      return;
    }
    const answer = custom ?? defaultReply(command);
    call.status = answer.status;
    record(call);
    reply(res, answer.status, answer.body, answer.headers);
  };

  const record = (call: RecordedCall) => {
    calls.push(call);
    for (const waiter of [...waiters]) waiter(call);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        reply(res, 500, { ok: false, error: [{ code: 'INTERNAL_ERROR', message: String(err) }] });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    rejected,
    respond: (fn) => {
      responder = fn;
    },
    waitFor: (pred, timeoutMs = 10_000) => {
      const found = calls.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (call: RecordedCall) => {
          if (!pred(call)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(call);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = calls.map((c) => `${c.command}→${c.status}`).join(', ') || 'none';
          reject(new Error(`no matching OLP call within ${timeoutMs} ms (calls seen: ${seen})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function defaultReply(command: string): PeerAnswer {
  return isFireAndForget(command)
    ? { status: 202, body: { ok: true, data: null } }
    : { status: 200, body: { ok: true, data: {} } };
}
