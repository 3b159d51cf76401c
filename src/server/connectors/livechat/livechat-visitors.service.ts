import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '../../../common/clock.js';
import { isLineHash } from '../../lines/line-settings.service.js';
import { LinesRepository, type LineRow } from '../../lines/lines.repository.js';
import { LiveChatSessions, SessionRefused, type VisitorSession } from './livechat-sessions.js';
import { LIVECHAT } from './livechat.connector.js';
import { LiveChatRepository } from './livechat.repository.js';

/** A visitor endpoint's refusal, answered in the hook entry's reply shape. */
export class VisitorRefused extends Error {
  constructor(
    readonly status: 400 | 401 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'VisitorRefused';
  }
}

/** Control characters (NUL among them, which PostgreSQL text refuses) have no place in a name or address. */
const hasControl = (s: string) => [...s].some((c) => c < ' ' || c === '\u007f');
const noControl = { error: 'must not contain control characters' };

export const startRequest = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine((s) => !hasControl(s), noControl)
      .optional(),
    url: z
      .url()
      .max(2000)
      .refine((s) => !hasControl(s), noControl)
      .optional(),
  })
  .nullish()
  .transform((v) => v ?? {});

export interface StartedSession {
  token: string;
  visitorId: string;
  /** The chat id the portal knows this conversation by (the visitor's id). */
  chatId: string;
  expiresAt: string;
}

/** Starts visitor sessions on live chat lines and checks them for the reading endpoints. */
@Injectable()
export class LiveChatVisitors {
  constructor(
    private readonly lines: LinesRepository,
    private readonly repo: LiveChatRepository,
    private readonly sessions: LiveChatSessions,
    private readonly clock: Clock,
  ) {}

  async start(hash: string, body: unknown): Promise<StartedSession> {
    const line = await this.line(hash);
    const parsed = startRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VisitorRefused(
        400,
        'INVALID_REQUEST',
        `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const visitor = await this.repo.createVisitor({
      id: randomUUID(),
      lineRef: line.id,
      name: parsed.data.name ?? null,
      url: parsed.data.url ?? null,
      now: this.clock.now(),
    });
    const session = { visitorId: visitor.id, name: parsed.data.name, url: parsed.data.url };
    const { token, expiresAt } = await this.sessions.issue(sessionLine(line), session);
    return { token, visitorId: visitor.id, chatId: visitor.id, expiresAt: expiresAt.toISOString() };
  }

  /** The session of a reading request; the visitor must still exist on the line. */
  async authenticate(hash: string, token: string | undefined): Promise<VisitorSession> {
    const line = await this.line(hash);
    let session: VisitorSession;
    try {
      session = await this.sessions.verify(sessionLine(line), token);
    } catch (err) {
      if (err instanceof SessionRefused) throw new VisitorRefused(401, 'SESSION_INVALID', err.message);
      throw err;
    }
    if (!(await this.repo.findVisitor({ id: session.visitorId, lineRef: line.id })))
      throw new VisitorRefused(401, 'SESSION_INVALID', 'the session has ended');
    return session;
  }

  private async line(hash: string): Promise<LineRow> {
    if (!isLineHash(hash))
      throw new VisitorRefused(
        400,
        'INVALID_REQUEST',
        'hash: not a live chat address (letters, digits, - and _)',
      );
    const line = await this.lines.findByHash({ hash });
    if (!line || line.connector !== LIVECHAT)
      throw new VisitorRefused(404, 'UNKNOWN_LINE', 'no live chat line has this address');
    return line;
  }
}

const sessionLine = (line: LineRow) => ({ ref: line.id, portalId: line.portalId, lineId: line.lineId });
