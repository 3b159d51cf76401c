import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { OpenLinesModule } from '../open-lines/open-lines.module.js';
import { OutputModule } from '../output/output.module.js';
import { PipelinesModule } from '../pipelines/pipelines.module.js';
import { PortalConfig } from '../config.js';
import { INPUT_HANDLERS } from './handlers/index.js';
import { StatusIntake } from './handlers/status-intake.js';
import { FailedInbox } from './inbox/failed-inbox.service.js';
import { InboxMessageProcessor } from './inbox/inbox-message.processor.js';
import { InboxStatusProcessor } from './inbox/inbox-status.processor.js';
import { defaultInboxWorkerOptions, INBOX_WORKER_OPTIONS } from './inbox/inbox-worker.options.js';
import { InboxRepository } from './inbox/inbox.repository.js';
import { InboxWorker } from './inbox/inbox.worker.js';
import { InputController, OlpEnvelopePipe } from './input.controller.js';
import { keepPortalOlpReplyShape } from './olp-reply-shape.hook.js';
import { OLP_COMMAND_HANDLERS, type OlpCommandHandler } from './router/olp-command.js';
import { OlpRouter } from './router/olp-router.js';
import { JtiReplayCache } from './signature/jti-replay-cache.js';
import { OlpSignatureGuard } from './signature/olp-signature.guard.js';
import { SeenJtiRepository } from './signature/seen-jti.repository.js';

/**
 * The Input room: POST /olp/v1/input (signature guard, router, one handler per command), the
 * durable inbox of received messages and status reports, and the worker that runs messages
 * through the pipelines and applies the reports.
 */
@Module({
  imports: [OutputModule, PipelinesModule, OpenLinesModule],
  controllers: [InputController],
  providers: [
    OlpSignatureGuard,
    OlpEnvelopePipe,
    SeenJtiRepository,
    JtiReplayCache,
    OlpRouter,
    ...INPUT_HANDLERS,
    StatusIntake,
    {
      provide: OLP_COMMAND_HANDLERS,
      inject: INPUT_HANDLERS,
      useFactory: (...handlers: OlpCommandHandler[]) => handlers,
    },
    InboxRepository,
    InboxMessageProcessor,
    InboxStatusProcessor,
    InboxWorker,
    FailedInbox,
    {
      provide: INBOX_WORKER_OPTIONS,
      inject: [PortalConfig],
      useFactory: (config: PortalConfig) => ({ ...defaultInboxWorkerOptions, leaseMs: config.inboxLeaseMs }),
    },
  ],
  exports: [InboxWorker, FailedInbox],
})
export class InputModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // Absent when the module runs without an HTTP server (a TestingModule without an app).
    const fastify = this.adapterHost.httpAdapter?.getInstance?.<FastifyInstance | undefined>();
    if (fastify && typeof fastify.addHook === 'function') keepPortalOlpReplyShape(fastify);
  }
}
