import { z } from 'zod';
import type { OlpReply } from '../../protocol/index.js';
import { OutputError } from './output.errors.js';

/** What came back from one POST to the connector server. */
export interface OlpAnswer {
  status: number;
  /** Undefined when the body is not an OLP reply (a proxy's error page, an empty body). */
  reply: OlpReply | undefined;
  /** From a Retry-After header, in milliseconds from now. */
  retryAfterMs?: number;
}

const replySchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown().optional() }),
  z.object({
    ok: z.literal(false),
    error: z
      .array(z.looseObject({ code: z.string().min(1), message: z.string(), field: z.string().optional() }))
      .min(1),
  }),
]);

export function parseReply(body: string): OlpReply | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = replySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const reply = parsed.data;
  if (!reply.ok) return reply;
  return { ok: true, data: reply.data ?? null };
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/** The `data` of an accepted request/response call, or the server's refusal as an OutputError. */
export function dataOrThrow(command: string, answer: OlpAnswer): unknown {
  const { status, reply } = answer;
  if (reply === undefined) {
    const what = isSuccess(status) ? 'the answer is not an OLP reply' : 'an answer without an OLP error body';
    throw new OutputError(command, [{ code: 'MALFORMED_REPLY', message: what }], status);
  }
  if (reply.ok && isSuccess(status)) return reply.data;
  if (!reply.ok) throw new OutputError(command, reply.error, status);
  throw new OutputError(
    command,
    [{ code: 'MALFORMED_REPLY', message: 'ok:true with a failure status' }],
    status,
  );
}

/** What the outbox does with a fire-and-forget call after one attempt. */
export type DeliveryOutcome =
  | { kind: 'sent' }
  | { kind: 'retry'; code: string; message: string; status?: number; retryAfterMs?: number }
  | { kind: 'failed'; code: string; message: string; status?: number };

/**
 * Accepted means 2xx with ok:true. The server refusing this very call (an OLP error reply with a
 * 4xx other than 408/429, or with a 2xx) fails it for good: sending it again cannot help. Anything
 * else may pass later and is retried: 5xx, 408, 429, redirects, and 4xx answers without an OLP
 * error body, which come from something in front of the server (a proxy, a wrong URL), not from it.
 */
export function classifyAnswer(answer: OlpAnswer): DeliveryOutcome {
  const { status, reply, retryAfterMs } = answer;
  if (isSuccess(status) && reply?.ok) return { kind: 'sent' };
  if (reply && !reply.ok) {
    const [first] = reply.error;
    const refused = isSuccess(status) || (status >= 400 && status < 500 && status !== 408 && status !== 429);
    if (first && refused) return { kind: 'failed', code: first.code, message: first.message, status };
    if (first) return { kind: 'retry', code: first.code, message: first.message, status, retryAfterMs };
  }
  const code = isSuccess(status) ? 'MALFORMED_REPLY' : `HTTP_${status}`;
  const message = reply ? `unexpected HTTP ${status}` : `HTTP ${status} without an OLP reply`;
  return { kind: 'retry', code, message, status, retryAfterMs };
}
