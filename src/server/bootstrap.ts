import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createLogger } from '../common/logger.js';
import { useStrictJson } from '../common/strict-json.js';
import { keepOlpReplyShape } from '../common/olp-http.js';
import { MAX_BODY_BYTES } from '../protocol/index.js';
import { ServerAppModule, type ServerAppOptions } from './app.module.js';
import { type ServerConfig } from './config.js';

/** Builds the connector server app (not yet listening): used by main.ts and the tests. */
export async function createServerApp(
  config: ServerConfig,
  opts: ServerAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    ServerAppModule.forConfig(config, opts),
    // bodyLimit is a little over the OLP limit so that our own 413 with an OLP error body answers first.
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES + 1024 }),
    { rawBody: true, logger: createLogger(config.logFormat, config.logLevel), bufferLogs: true },
  );
  app.enableShutdownHooks();
  useStrictJson(app);
  // Refusals Fastify makes before Nest runs get the OLP reply shape too. Not on /hook: a connector's
  // own answers to its channel must go out as it wrote them.
  keepOlpReplyShape(app.getHttpAdapter().getInstance(), (req) => req.routeOptions.url === '/olp/v1/portal');
  const doc = new DocumentBuilder()
    .setTitle('Switchboard connector server')
    .setDescription(
      'Health; the OLP/1 entry (POST /olp/v1/portal) and the webhook entry (/hook) are described in docs/protocol.md',
    )
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc));
  return app;
}
