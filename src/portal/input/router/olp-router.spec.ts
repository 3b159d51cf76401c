import { describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import { olpBody, olpMessage } from '../../../../test/factories/packet.factory.js';
import { envelopeSchema, OlpError, portalCommandData } from '../../../protocol/index.js';
import { INPUT_HANDLERS } from '../handlers/index.js';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from './olp-command.js';
import { OlpRouter } from './olp-router.js';

@OlpCommand('testConnect')
class ProbeTestConnect implements OlpCommandHandler<'testConnect'> {
  readonly seen: CommandPacket<'testConnect'>[] = [];
  async handle(packet: CommandPacket<'testConnect'>) {
    this.seen.push(packet);
    return { result: 'OK' };
  }
}

@OlpCommand('setChatName')
class ProbeSetChatName implements OlpCommandHandler<'setChatName'> {
  readonly seen: CommandPacket<'setChatName'>[] = [];
  async handle(packet: CommandPacket<'setChatName'>) {
    this.seen.push(packet);
    return { renamed: packet.data.length };
  }
}

@OlpCommand('receivingMessage')
class ProbeReceivingMessage implements OlpCommandHandler<'receivingMessage'> {
  async handle() {
    return [];
  }
}

class Undeclared implements OlpCommandHandler {
  async handle() {
    return null;
  }
}

@OlpCommand('sendMessage' as never)
class ServesAPortalToServerMethod implements OlpCommandHandler {
  async handle() {
    return null;
  }
}

const envelope = (command: string, data: unknown, line: string | null = '1') =>
  envelopeSchema.parse(olpBody(command, data, { line }));

async function refusal(promise: Promise<unknown>): Promise<OlpError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OlpError)) throw new Error(`expected an OlpError, got ${String(err)}`);
  return err;
}

describe(OlpRouter.name, () => {
  const build = (...handlers: OlpCommandHandler[]) => new OlpRouter(new Reflector(), handlers);

  describe('constructor', () => {
    it('should map each declared command to its handler', () => {
      expect(build(new ProbeTestConnect(), new ProbeSetChatName()).commands.sort()).toEqual([
        'setChatName',
        'testConnect',
      ]);
    });

    it('should refuse a handler that does not declare its command', () => {
      expect(() => build(new Undeclared())).toThrow(
        'Undeclared does not declare its command with @OlpCommand',
      );
    });

    it('should refuse two handlers for one command', () => {
      expect(() => build(new ProbeTestConnect(), new ProbeTestConnect())).toThrow(
        'ProbeTestConnect and ProbeTestConnect both serve "testConnect"',
      );
    });

    it('should refuse a command that is not a server-to-portal command of OLP/1', () => {
      expect(() => build(new ServesAPortalToServerMethod())).toThrow('which OLP/1 does not define');
    });
  });

  describe('dispatch', () => {
    it('should hand the validated data to the handler and resolve with its result', async () => {
      const rename = new ProbeSetChatName();
      const router = build(rename);
      const data = [{ chat: { id: 42 }, name: 'Support' }];
      await expect(router.dispatch(envelope('setChatName', data, '7'))).resolves.toEqual({ renamed: 1 });
      // Numeric ids arrive as strings, as OLP/1 treats them.
      expect(rename.seen).toEqual([
        {
          command: 'setChatName',
          connector: 'telegrambot',
          line: '7',
          data: [{ chat: { id: '42' }, name: 'Support' }],
        },
      ]);
    });

    it('should answer 404 UNKNOWN_COMMAND for a command nobody serves', async () => {
      const router = build(new ProbeTestConnect());
      for (const command of ['noSuchCommand', 'setChatName', 'toString']) {
        const err = await refusal(router.dispatch(envelope(command, [])));
        expect({ status: err.status, code: err.code, field: err.field }).toEqual({
          status: 404,
          code: 'UNKNOWN_COMMAND',
          field: 'body.command',
        });
      }
    });

    it('should answer 400 naming the field when the data does not fit the command', async () => {
      const router = build(new ProbeReceivingMessage());
      const message = olpMessage();
      const broken = { ...message, chat: {} };
      const err = await refusal(router.dispatch(envelope('receivingMessage', [message, broken])));
      expect({ status: err.status, code: err.code, field: err.field }).toEqual({
        status: 400,
        code: 'MALFORMED_PACKET',
        field: 'body.data.1.chat.id',
      });
    });

    it('should answer 400 naming body.line when a line command comes without a line', async () => {
      const err = await refusal(build(new ProbeSetChatName()).dispatch(envelope('setChatName', [], null)));
      expect({ status: err.status, field: err.field }).toEqual({ status: 400, field: 'body.line' });
    });

    it('should take testConnect without a line', async () => {
      const probe = new ProbeTestConnect();
      await expect(build(probe).dispatch(envelope('testConnect', {}, null))).resolves.toEqual({
        result: 'OK',
      });
      expect(probe.seen[0]?.line).toBeNull();
    });
  });

  describe('INPUT_HANDLERS', () => {
    it('should serve every server-to-portal command of OLP/1, once', () => {
      const reflector = new Reflector();
      const declared = INPUT_HANDLERS.map((handler) => reflector.get(OlpCommand, handler));
      expect(declared.sort()).toEqual(Object.keys(portalCommandData).sort());
    });
  });
});
