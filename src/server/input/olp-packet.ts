import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { OlpReply } from '../../protocol/index.js';

/** A portal-to-server packet whose signature held. */
export interface VerifiedPacket {
  /** The verified issuer: a registered portal. */
  portalId: string;
  command: string;
  connector: string;
  line: string | null;
  /** The positional argument list, not yet validated. */
  data: unknown;
}

export type OlpRequest = RawBodyRequest<FastifyRequest> & { olp?: VerifiedPacket };

export interface OlpAnswer {
  status: 200 | 202;
  body: OlpReply;
}

/** One portal-to-server method; the router finds it by `method`. */
export interface OlpMethodHandler<S extends z.ZodType = z.ZodType> {
  readonly method: string;
  /** Schema of `data`, the positional argument list of the method. */
  readonly args: S;
  execute(packet: VerifiedPacket, args: z.output<S>): Promise<OlpAnswer>;
}

/** Multi-provider token: every OlpMethodHandler. */
export const OLP_METHOD_HANDLERS = Symbol('OLP_METHOD_HANDLERS');

export const answered = (data: unknown): OlpAnswer => ({ status: 200, body: { ok: true, data } });
export const accepted = (data: unknown): OlpAnswer => ({ status: 202, body: { ok: true, data } });
