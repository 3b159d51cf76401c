import { Injectable } from '@nestjs/common';
import { OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';

@Injectable()
@OlpCommand('testConnect')
export class TestConnectHandler implements OlpCommandHandler<'testConnect'> {
  handle(): Promise<{ result: 'OK' }> {
    return Promise.resolve({ result: 'OK' });
  }
}
