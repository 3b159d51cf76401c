import { applyDecorators, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { OlpExceptionFilter } from '../olp-exception.filter.js';
import { OLP_SIGNED, OlpSignatureGuard } from './olp-signature.guard.js';

/**
 * Marks a route as an OLP/1 endpoint: OlpSignatureGuard verifies the packet before anything
 * else runs, and every refusal is answered in the OLP reply shape.
 */
export const OlpSigned = () =>
  applyDecorators(
    SetMetadata(OLP_SIGNED, true),
    UseGuards(OlpSignatureGuard),
    UseFilters(OlpExceptionFilter),
  );
