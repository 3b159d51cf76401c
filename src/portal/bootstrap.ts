import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createLogger } from '../common/logger.js';
import { useStrictJson } from '../common/strict-json.js';
import { MAX_BODY_BYTES } from '../protocol/index.js';
import { AppModule } from './app.module.js';
import { type PortalConfig } from './config.js';
import { registerSecurityHeaders } from './security-headers.js';

/** The operator web UI (plain ES modules, no build step): web/ at the repository root. */
export const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../web');

/** Builds the portal app (not yet listening): used by main.ts, the e2e tests and the benchmark. */
export async function createPortalApp(config: PortalConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config),
    // bodyLimit is one byte over so that our own 413 with an OLP error body answers first.
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES + 1024 }),
    { rawBody: true, logger: createLogger(config.logFormat, config.logLevel), bufferLogs: true },
  );
  app.enableShutdownHooks();
  await registerSecurityHeaders(app);
  useStrictJson(app);
  // Operators' uploads (POST /api/uploads) arrive as the raw bytes; FilesService streams them
  // into the file store, which enforces FILE_MAX_BYTES, so the body is not buffered here.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(
      'application/octet-stream',
      { bodyLimit: config.files.maxBytes },
      (_req, payload, done) => {
        done(null, payload);
      },
    );
  const doc = new DocumentBuilder()
    .setTitle('Switchboard portal')
    .setDescription('REST API of the operator inbox, and the OLP/1 input endpoint')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc));
  app.useStaticAssets({ root: WEB_ROOT, prefix: '/', index: 'index.html', wildcard: false });
  return app;
}
