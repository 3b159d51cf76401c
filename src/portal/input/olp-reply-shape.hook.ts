import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { olpErrorForStatus } from './olp-exception.filter.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by @OlpSigned(): the route answers in the OLP reply shape. */
    olpReplies?: boolean;
  }
}

/** The Fastify route config flag set by @OlpSigned(). */
export const OLP_ROUTE_CONFIG = 'olpReplies' satisfies keyof FastifyContextConfig;

const isOlpRoute = (req: FastifyRequest) => req.routeOptions.config?.olpReplies === true;

/**
 * Some refusals happen in Fastify before any Nest guard or filter can see the request: a body
 * past Fastify's own bodyLimit (413), invalid JSON (400), a content type without a parser (415).
 * Nest answers those in its default shape; this onSend hook rewrites such error replies of OLP
 * routes into the OLP shape, so a peer always gets `{"ok":false,"error":[…]}`.
 */
export function keepOlpReplyShape(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 || !isOlpRoute(req)) return payload;
    if (typeof payload !== 'string' || isOlpReply(payload)) return payload;
    const error = olpErrorForStatus(reply.statusCode, messageOf(payload));
    reply.header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify(error.toReply());
  });
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

function isOlpReply(payload: string): boolean {
  const value = parse(payload);
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

function messageOf(payload: string): string | undefined {
  const message = (parse(payload) as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}
