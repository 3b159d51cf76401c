import helmet from '@fastify/helmet';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The UI's Content-Security-Policy: everything from our own origin, no inline script or style
 * attribute, and no framing by anyone (clickjacking). Sent as a header because a meta tag can
 * neither carry frame-ancestors nor cover the scripts and API answers.
 */
export const UI_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

// Swagger UI (GET /api/docs) ships an inline style block and an inline script; it gets the same
// policy with just those two relaxed, and still may not be framed.
const DOCS_CSP_DIRECTIVES = {
  ...UI_CSP_DIRECTIVES,
  scriptSrc: ["'self'", "'unsafe-inline'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
};

/** Security headers on every portal answer (UI, scripts, REST, OLP input), through @fastify/helmet. */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { directives: UI_CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // File downloads and the UI are same-origin; nothing of ours is meant to be embedded elsewhere.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  // reply.helmet() re-applies the headers with the docs' policy merged over the global one.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, reply, done) => {
      if (req.url === '/api/docs' || req.url.startsWith('/api/docs/'))
        reply.helmet({ contentSecurityPolicy: { directives: DOCS_CSP_DIRECTIVES } });
      done();
    });
}
