import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '../../common/clock.js';
import { signPacket } from '../../protocol/index.js';
import { ServerConfig } from '../config.js';
import type { RegisteredPortal } from '../portals/portal-registry.service.js';

export interface PortalPacket {
  command: string;
  connector: string;
  line: string | null;
  data: unknown;
}

export type PushOutcome = { ok: true; data: unknown } | { ok: false; reason: string };

const replySchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.array(z.object({ code: z.string(), message: z.string() }).loose()),
  }),
]);

/** Sends signed OLP/1 packets to a portal's `/olp/v1/input` (the server's only client of portals). */
@Injectable()
export class PortalClient {
  constructor(
    private readonly config: ServerConfig,
    private readonly clock: Clock,
  ) {}

  /** Any transport failure, non-2xx status or refusal comes back as `ok: false` with a reason. */
  async push(portal: RegisteredPortal, packet: PortalPacket): Promise<PushOutcome> {
    const rawBody = JSON.stringify(packet);
    const token = await signPacket({
      iss: this.config.serverId,
      aud: portal.id,
      command: packet.command,
      rawBody,
      keys: portal.keys,
      now: Math.floor(this.clock.nowMs() / 1000),
    });
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${portal.baseUrl}/olp/v1/input`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: rawBody,
        signal: AbortSignal.timeout(this.config.queue.pushTimeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { ok: false, reason: `transport: ${(err as Error).message}${cause ? ` (${cause})` : ''}` };
    }
    let body: z.output<typeof replySchema> | undefined;
    try {
      const parsed = replySchema.safeParse(JSON.parse(text));
      body = parsed.success ? parsed.data : undefined;
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300 && body?.ok) return { ok: true, data: body.data };
    const refusal = body && !body.ok ? body.error.map((e) => `${e.code}: ${e.message}`).join('; ') : '';
    return { ok: false, reason: `HTTP ${status}${refusal ? ` ${refusal}` : ' (no OLP reply)'}` };
  }
}
