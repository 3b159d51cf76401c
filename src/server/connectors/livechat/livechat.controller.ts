import { Controller, Get, Options, Param, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerConfig } from '../../config.js';
import { HookService } from '../../hooks/hook.service.js';
import { LiveChatCors } from './livechat-cors.js';
import { demoPage } from './livechat-demo.js';
import { LiveChatEvents, REREAD_MS, type VisitorEvent } from './livechat-events.service.js';
import { sessionTokenOf } from './livechat-sessions.js';
import { LiveChatVisitors, VisitorRefused } from './livechat-visitors.service.js';

type Query = Record<string, string | undefined>;

const refusal = (err: VisitorRefused) => ({ ok: false, error: [{ code: err.code, message: err.message }] });

/** Event ids are 32-bit (PostgreSQL `integer`): no event comes after this one. */
const LAST_EVENT_ID = 2 ** 31 - 1;

/**
 * A cursor from `Last-Event-ID` or `?after=`: a non-negative integer, 0 when absent or
 * unreadable, and at most LAST_EVENT_ID, so the database is never asked past its column type.
 */
function cursorOf(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value;
  const n = Number(text);
  return text && Number.isSafeInteger(n) && n >= 0 ? Math.min(n, LAST_EVENT_ID) : 0;
}

/**
 * The website visitor's endpoints of a live chat line, `/livechat/<line hash>/…`: start a
 * session, post messages (through the one hook entry, like every channel), and read operator
 * replies by SSE (`events`, resumable with Last-Event-ID) or long poll (`poll?after=`).
 */
@ApiExcludeController()
@Controller('livechat/:hash')
export class LiveChatController {
  constructor(
    private readonly visitors: LiveChatVisitors,
    private readonly events: LiveChatEvents,
    private readonly hooks: HookService,
    private readonly cors: LiveChatCors,
    private readonly config: ServerConfig,
  ) {}

  @Options(['start', 'messages', 'events', 'poll'])
  async preflight(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const headers = this.cors.preflight(req.headers.origin);
    await res
      .status(headers ? 204 : 403)
      .headers(headers ?? {})
      .send();
  }

  @Post('start')
  async start(
    @Param('hash') hash: string,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    res.headers(this.cors.headers(req.headers.origin));
    try {
      await res.status(201).send({ ok: true, data: await this.visitors.start(hash, req.body) });
    } catch (err) {
      if (!(err instanceof VisitorRefused)) throw err;
      await res.status(err.status).send(refusal(err));
    }
  }

  @Post('messages')
  async message(
    @Param('hash') hash: string,
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const reply = await this.hooks.receive({
      method: req.method,
      headers: req.headers,
      query: { ...(req.query as Query), h: hash },
      rawBody: req.rawBody,
      body: req.body,
    });
    await res
      .status(reply.status)
      .headers({ ...reply.headers, ...this.cors.headers(req.headers.origin) })
      .send(reply.body ?? '');
  }

  @Get('poll')
  async poll(
    @Param('hash') hash: string,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    res.headers({ ...this.cors.headers(req.headers.origin), 'cache-control': 'no-store' });
    const query = req.query as Query;
    try {
      const session = await this.visitors.authenticate(hash, sessionTokenOf(req.headers, query));
      const gone = new AbortController();
      res.raw.on('close', () => gone.abort());
      const wait = Math.min(cursorOf(query.timeout) * 1000 || Infinity, this.config.livechat.pollTimeoutMs);
      const events = await this.events.poll(session.visitorId, cursorOf(query.after), wait, gone.signal);
      await res.send({ ok: true, data: { events, last: events.at(-1)?.id ?? cursorOf(query.after) } });
    } catch (err) {
      if (!(err instanceof VisitorRefused)) throw err;
      await res.status(err.status).send(refusal(err));
    }
  }

  @Get('events')
  async stream(
    @Param('hash') hash: string,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const query = req.query as Query;
    const cors = this.cors.headers(req.headers.origin);
    let visitorId: string;
    try {
      visitorId = (await this.visitors.authenticate(hash, sessionTokenOf(req.headers, query))).visitorId;
    } catch (err) {
      if (!(err instanceof VisitorRefused)) throw err;
      await res.status(err.status).headers(cors).send(refusal(err));
      return;
    }
    // A reconnecting EventSource sends Last-Event-ID; `?after=` serves clients that cannot set it.
    let last = cursorOf(req.headers['last-event-id'] ?? query.after);
    res.hijack();
    const out = res.raw;
    out.writeHead(200, {
      ...cors,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const gone = new AbortController();
    res.raw.on('close', () => gone.abort());
    out.write(`retry: 3000\n\n`);
    try {
      while (!gone.signal.aborted && !this.events.closing.signal.aborted) {
        const events = await this.events.after(visitorId, last);
        for (const event of events) out.write(sseFrame(event));
        if (events.length) {
          last = events.at(-1)!.id;
          continue;
        }
        // A comment line keeps proxies from closing an idle stream.
        out.write(': idle\n\n');
        await this.events.wait(visitorId, REREAD_MS, gone.signal);
      }
    } finally {
      out.end();
    }
  }

  @Get('demo')
  async demo(@Param('hash') hash: string, @Res() res: FastifyReply): Promise<void> {
    await res
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
      )
      .send(demoPage(hash));
  }
}

function sseFrame(event: VisitorEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
