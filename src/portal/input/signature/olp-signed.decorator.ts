import { applyDecorators, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { OlpExceptionFilter } from '../../../common/olp-http.js';
import { OLP_ROUTE_CONFIG } from '../olp-reply-shape.hook.js';
import { OLP_SIGNED, OlpSignatureGuard } from './olp-signature.guard.js';

/**
 * Marks a route as an OLP/1 endpoint: OlpSignatureGuard verifies the packet before anything
 * else runs, and every refusal is answered in the OLP reply shape (by OlpExceptionFilter, and
 * for refusals Fastify makes before Nest sees the request, by the hook of olp-reply-shape.hook.ts).
 */
export const OlpSigned = () =>
  applyDecorators(
    SetMetadata(OLP_SIGNED, true),
    UseGuards(OlpSignatureGuard),
    UseFilters(OlpExceptionFilter),
    RouteConfig({ [OLP_ROUTE_CONFIG]: true }),
  );
