import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { keepOlpReplyShape } from '../../common/olp-http.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by @OlpSigned(): the route answers in the OLP reply shape. */
    olpReplies?: boolean;
  }
}

/** The Fastify route config flag set by @OlpSigned(). */
export const OLP_ROUTE_CONFIG = 'olpReplies' satisfies keyof FastifyContextConfig;

const isOlpRoute = (req: FastifyRequest) => req.routeOptions.config?.olpReplies === true;

/** Puts Fastify's own refusals on the portal's OLP routes into the OLP reply shape. */
export function keepPortalOlpReplyShape(fastify: FastifyInstance): void {
  keepOlpReplyShape(fastify, isOlpRoute);
}
