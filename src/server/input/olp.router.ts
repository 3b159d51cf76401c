import { Inject, Injectable } from '@nestjs/common';
import { OlpError, parseOrThrow } from '../../protocol/index.js';
import { ConnectorError } from '../connectors/connector.js';
import {
  OLP_METHOD_HANDLERS,
  type OlpAnswer,
  type OlpMethodHandler,
  type VerifiedPacket,
} from './olp-packet.js';

/** Finds the handler of a verified packet's command (the map is built once), validates `data`, runs it. */
@Injectable()
export class OlpRouter {
  private readonly handlers = new Map<string, OlpMethodHandler>();

  constructor(@Inject(OLP_METHOD_HANDLERS) handlers: OlpMethodHandler[]) {
    for (const handler of handlers) {
      if (this.handlers.has(handler.method)) throw new Error(`two handlers serve "${handler.method}"`);
      this.handlers.set(handler.method, handler);
    }
  }

  async dispatch(packet: VerifiedPacket): Promise<OlpAnswer> {
    const handler = this.handlers.get(packet.command);
    if (!handler)
      throw new OlpError(404, 'UNKNOWN_COMMAND', `unknown command "${packet.command}"`, 'command');
    const args = parseOrThrow(handler.args, packet.data, 'data');
    try {
      return await handler.execute(packet, args);
    } catch (err) {
      // The packet was taken; the connector's refusal is its outcome.
      if (err instanceof ConnectorError) {
        const item = {
          code: err.code,
          message: err.message,
          ...(err.field !== undefined && { field: err.field }),
        };
        return { status: 200, body: { ok: false, error: [item] } };
      }
      throw err;
    }
  }
}
