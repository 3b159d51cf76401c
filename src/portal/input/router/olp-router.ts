import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  OlpError,
  parseOrThrow,
  portalCommandData,
  type Envelope,
  type PortalCommand,
} from '../../../protocol/index.js';
import { commandNeedsLine, OLP_COMMAND_HANDLERS, OlpCommand, type OlpCommandHandler } from './olp-command.js';

const isPortalCommand = (name: string): name is PortalCommand => Object.hasOwn(portalCommandData, name);

/**
 * The registry of OLP input commands. Handlers declare their command with @OlpCommand; the map is
 * built once, here, and start-up fails on a handler without a command or two for the same one.
 */
@Injectable()
export class OlpRouter {
  private readonly handlers = new Map<PortalCommand, OlpCommandHandler>();

  constructor(reflector: Reflector, @Inject(OLP_COMMAND_HANDLERS) handlers: OlpCommandHandler[]) {
    for (const handler of handlers) {
      const name = handler.constructor.name;
      // Typed as a PortalCommand, but only what the decorator was given at run time.
      const command: string | undefined = reflector.get(OlpCommand, handler.constructor);
      if (command === undefined) throw new Error(`${name} does not declare its command with @OlpCommand`);
      if (!isPortalCommand(command))
        throw new Error(`${name} serves "${command}", which OLP/1 does not define`);
      const taken = this.handlers.get(command);
      if (taken) throw new Error(`${name} and ${taken.constructor.name} both serve "${command}"`);
      this.handlers.set(command, handler);
    }
  }

  get commands(): PortalCommand[] {
    return [...this.handlers.keys()];
  }

  /** Validates the command's data and runs its handler; resolves with the reply's data. */
  async dispatch(envelope: Envelope): Promise<unknown> {
    const command = envelope.command;
    const handler = isPortalCommand(command) ? this.handlers.get(command) : undefined;
    if (!handler || !isPortalCommand(command)) {
      // Also a command OLP/1 defines but no handler serves: the portal cannot take it.
      throw new OlpError(404, 'UNKNOWN_COMMAND', `the portal does not serve "${command}"`, 'body.command');
    }
    if (envelope.line === null && commandNeedsLine(command)) {
      throw new OlpError(400, 'MALFORMED_PACKET', `body.line: ${command} needs a line`, 'body.line');
    }
    const data = parseOrThrow(portalCommandData[command], envelope.data, 'body.data');
    return handler.handle({ command, connector: envelope.connector, line: envelope.line, data });
  }
}
