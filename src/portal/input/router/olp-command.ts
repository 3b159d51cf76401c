import { Reflector } from '@nestjs/core';
import type { PortalCommand, PortalCommandData } from '../../../protocol/index.js';

/** Commands that do not address one line; every other one needs `line`. */
const LINELESS_COMMANDS: ReadonlySet<PortalCommand> = new Set(['testConnect']);

export const commandNeedsLine = (command: PortalCommand): boolean => !LINELESS_COMMANDS.has(command);

/** A verified and validated packet as its handler gets it. */
export interface CommandPacket<C extends PortalCommand> {
  command: C;
  connector: string;
  line: C extends 'testConnect' ? string | null : string;
  data: PortalCommandData<C>;
}

/** Serves one server-to-portal command; what it returns is the reply's `data`. */
export interface OlpCommandHandler<C extends PortalCommand = PortalCommand> {
  handle(packet: CommandPacket<C>): Promise<unknown>;
}

/** Declares the command a handler class serves; the router reads it once at start. */
export const OlpCommand = Reflector.createDecorator<PortalCommand>();

/** Multi-provider token: every handler instance, built from the handler list of InputModule. */
export const OLP_COMMAND_HANDLERS = Symbol('OLP_COMMAND_HANDLERS');
