import { BadRequestException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';

/** Why a JSON body is refused before any route runs. */
export const INVALID_UTF8 = 'the body is not valid UTF-8 (RFC 8259 requires JSON in UTF-8)';

/**
 * The one JSON body parser of both processes. Node decodes invalid UTF-8 to U+FFFD without a word,
 * so a body with bad bytes would be stored other than it was sent; a fatal decoder refuses it
 * instead. Registered through Nest's useBodyParser (Fastify's addContentTypeParser underneath),
 * which keeps `rawBody` for the signature checks; the JSON itself goes through Fastify's own
 * parser (with its prototype-poisoning guard).
 */
export function useStrictJson(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: fastify.initialConfig.bodyLimit },
    (req, body, done) => {
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        done(new BadRequestException(INVALID_UTF8), undefined);
        return;
      }
      void parseJson(req, text, done);
    },
  );
}
