import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  bodyHash,
  parseKeyRing,
  signPacket,
  type OlpMessage,
  type OlpReply,
  type TypeMessage,
} from '../../src/protocol/index.js';

let sequence = 0;
const next = () => ++sequence;

export interface MessageOptions {
  type?: TypeMessage;
  chatId?: string;
  messageId?: string;
  userId?: string;
  text?: string;
  date?: number;
  user?: Partial<OlpMessage['user']>;
  chat?: Partial<OlpMessage['chat']>;
  message?: Partial<OlpMessage['message']>;
  extra?: Record<string, unknown>;
}

/** One OLP message as the connector server sends it inside receivingMessage. */
export function olpMessage(o: MessageOptions = {}): OlpMessage {
  const n = next();
  return {
    type_message: o.type ?? 'message',
    user: { id: o.userId ?? 'u-1', name: 'Ann', last_name: 'Customer', ...o.user },
    chat: { id: o.chatId ?? 'chat-1', ...o.chat },
    message: {
      id: o.messageId ?? `m-${n}`,
      date: o.date ?? 1_767_225_600 + n,
      text: o.text ?? `hello ${n}`,
      ...o.message,
    },
    ...(o.extra ? { extra: o.extra } : {}),
  };
}

/** `count` messages of one chat, ids m-<prefix>-1.. in order. */
export function olpMessages(count: number, o: MessageOptions & { prefix?: string } = {}): OlpMessage[] {
  const prefix = o.prefix ?? `b${next()}`;
  return Array.from({ length: count }, (_, i) => olpMessage({ ...o, messageId: `m-${prefix}-${i + 1}` }));
}

export interface StatusItemOptions {
  chatId?: string;
  imChatId?: string;
  imMessageId?: string;
  externalIds?: string[];
}

export function statusItem(o: StatusItemOptions = {}) {
  const n = next();
  return {
    im: { chat_id: o.imChatId ?? '1', message_id: o.imMessageId ?? String(n) },
    message: { id: o.externalIds ?? [`ext-${n}`], date: 1_767_225_600 },
    chat: { id: o.chatId ?? 'chat-1' },
  };
}

/** The OLP body envelope. */
export function olpBody(
  command: string,
  data: unknown,
  o: { connector?: string; line?: string | null } = {},
): Record<string, unknown> {
  return {
    command,
    connector: o.connector ?? 'telegrambot',
    line: o.line === undefined ? '1' : o.line,
    data,
  };
}

export interface PacketSigning {
  /** `kid:secret[,kid:secret]` as in OLP_KEYS; the first key signs. */
  keySpec: string;
  iss: string;
  aud: string;
}

export interface SigningOverrides {
  /** Unix seconds used as iat (default: now). */
  now?: number;
  /** exp - iat (default 120). */
  ttlSeconds?: number;
  /** Exact exp, bypassing the clamp of signPacket (to test exp > iat + 300). */
  exp?: number;
  jti?: string;
  /** The cmd claim (default: body.command). */
  cmd?: string;
  /** The bh claim (default: hash of the raw body). */
  bh?: string;
  /** Protected header fields to override (alg, typ, kid). */
  header?: { alg?: string; typ?: string; kid?: string };
  /** Signs with this secret instead of the key of `kid` (a bad signature). */
  secret?: Uint8Array;
  /** Sends this exact token instead of a signed one; null sends no Authorization header. */
  token?: string | null;
}

export interface SignedPostOptions extends PacketSigning, SigningOverrides {
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export interface SignedPostResult<T = unknown> {
  status: number;
  body: OlpReply<T>;
  /** The token that was sent, so a test can replay it. */
  token: string | null;
  rawBody: string;
}

/**
 * Signs a token for `rawBody`. Without overrides it is exactly what signPacket produces; with them
 * it is built by hand so tests can forge each rule the receiver checks.
 */
export async function signToken(
  rawBody: string,
  command: string,
  o: PacketSigning & SigningOverrides,
): Promise<string> {
  const ring = parseKeyRing(o.keySpec);
  const plain = o.exp === undefined && o.cmd === undefined && o.bh === undefined && !o.header && !o.secret;
  if (plain) {
    return signPacket({
      iss: o.iss,
      aud: o.aud,
      command,
      rawBody,
      keys: ring,
      now: o.now,
      ttlSeconds: o.ttlSeconds,
      jti: o.jti,
    });
  }
  const iat = o.now ?? Math.floor(Date.now() / 1000);
  const alg = o.header?.alg ?? 'HS256';
  const key = o.secret ?? ring.signing.key;
  return new SignJWT({ cmd: o.cmd ?? command, bh: o.bh ?? bodyHash(rawBody) })
    .setProtectedHeader({ alg, typ: o.header?.typ ?? 'olp+jwt', kid: o.header?.kid ?? ring.signing.kid })
    .setIssuer(o.iss)
    .setAudience(o.aud)
    .setIssuedAt(iat)
    .setExpirationTime(o.exp ?? iat + (o.ttlSeconds ?? 120))
    .setJti(o.jti ?? randomUUID())
    .sign(key);
}

/**
 * POSTs an OLP packet to `url` (e.g. `${portal.url}/olp/v1/input`) with a real signature.
 * `body` may be an object (serialized once, and those exact bytes are signed) or a raw string.
 */
export async function signedPost<T = unknown>(
  url: string,
  body: Record<string, unknown> | string,
  o: SignedPostOptions,
): Promise<SignedPostResult<T>> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const command = commandOf(typeof body === 'string' ? rawBody : body);
  const token = o.token !== undefined ? o.token : await signToken(rawBody, command, o);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: rawBody });
  const text = await res.text();
  return { status: res.status, body: parseReply<T>(text), token, rawBody };
}

function commandOf(body: Record<string, unknown> | string): string {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return '';
    }
  }
  const command = (value as { command?: unknown } | null)?.command;
  return typeof command === 'string' ? command : '';
}

function parseReply<T>(text: string): OlpReply<T> {
  try {
    return JSON.parse(text) as OlpReply<T>;
  } catch {
    throw new Error(`the reply is not JSON: ${text.slice(0, 200)}`);
  }
}
