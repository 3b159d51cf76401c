import { Injectable, type OnModuleDestroy, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PortalConfig } from '../../config.js';
import type { OperatorEventRow } from '../../open-lines/operator-events/operator-events.repository.js';
import {
  OperatorStreamHub,
  type StreamAudience,
} from '../../open-lines/operator-events/operator-stream.hub.js';
import { ChatAccessService } from '../../open-lines/replies/chat-access.service.js';
import { parseRowId } from '../../open-lines/row-id.js';
import type { Principal } from '../auth/principal.js';
import { StreamAccessWatch } from './stream-access.watch.js';
import { StreamTokenService } from './stream-token.service.js';

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry:` field). */
const RECONNECT_MS = 2000;

/** Formats one stored event as an SSE frame; its id is what Last-Event-ID names on resume. */
export function sseFrame(event: OperatorEventRow): string {
  const data = JSON.stringify({
    id: event.id,
    type: event.type,
    lineId: event.lineId,
    operatorId: event.operatorId,
    createdAt: event.createdAt.toISOString(),
    payload: event.payload,
  });
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`;
}

/**
 * GET /api/stream: authenticates, then hands the response to the hub. Every event is written
 * with its stored id; a comment line every STREAM_HEARTBEAT_MS keeps idle connections open.
 */
@Injectable()
export class OperatorStreamService implements OnModuleDestroy {
  /** Ends each open stream; the HTTP server cannot close while one is open. */
  private readonly open = new Set<() => void>();

  constructor(
    private readonly config: PortalConfig,
    private readonly hub: OperatorStreamHub,
    private readonly tokens: StreamTokenService,
    private readonly access: ChatAccessService,
    private readonly accessWatch: StreamAccessWatch,
  ) {}

  onModuleDestroy(): void {
    for (const end of [...this.open]) end();
  }

  async serve(opts: {
    authorization?: string;
    lastEventId?: string;
    queryToken?: string;
    reply: FastifyReply;
  }): Promise<void> {
    const principal = await this.tokens.authenticate(opts);
    if (!principal) {
      throw new UnauthorizedException(
        'a bearer token (Authorization header) or a stream token (?token=) is required',
      );
    }
    const audience = await this.audienceOf(principal);
    const after = opts.lastEventId === undefined ? null : (parseRowId(opts.lastEventId.trim()) ?? 0);
    const { reply } = opts;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    raw.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
    const subscription = await this.hub.subscribe({
      after,
      audience,
      send: (events) => {
        raw.write(events.map(sseFrame).join(''));
      },
    });
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), this.config.stream.heartbeatMs);
    const unwatch = this.accessWatch.watch(principal, () => end());
    const close = () => {
      unwatch();
      clearInterval(heartbeat);
      subscription.close();
      this.open.delete(end);
    };
    const end = () => {
      close();
      raw.end();
    };
    this.open.add(end);
    raw.once('close', close);
    if (raw.destroyed) close();
  }

  /** The caller's LineScope, as the hub matches it against each event's line and operator. */
  private async audienceOf(principal: Principal): Promise<StreamAudience> {
    const scope = await this.access.scopeOf(principal);
    return {
      all: scope.all,
      operatorId: principal.userId,
      lineIds: new Set(scope.all ? [] : scope.lineIds),
    };
  }
}
