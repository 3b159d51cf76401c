import { Body, Controller, HttpCode, Injectable, type PipeTransform, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { envelopeSchema, parseOrThrow, type Envelope, type OlpReply } from '../../protocol/index.js';
import { OlpRouter } from './router/olp-router.js';
import { OlpSigned } from './signature/olp-signed.decorator.js';

export const OLP_INPUT_PATH = '/olp/v1/input';

/** Validates the body envelope; pipes run after guards, so only verified packets get here. */
@Injectable()
export class OlpEnvelopePipe implements PipeTransform<unknown, Envelope> {
  transform(value: unknown): Envelope {
    return parseOrThrow(envelopeSchema, value, 'body');
  }
}

@ApiTags('olp')
@Controller()
export class InputController {
  constructor(private readonly router: OlpRouter) {}

  @Post(OLP_INPUT_PATH)
  @OlpSigned()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'OLP/1 input: signed commands from the connector server' })
  async input(@Body(OlpEnvelopePipe) envelope: Envelope): Promise<OlpReply> {
    return { ok: true, data: await this.router.dispatch(envelope) };
  }
}
