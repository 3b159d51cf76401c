import { type ParameterDecoratorOptions, StandardSchemaValidationPipe } from '@nestjs/common';
import type { z } from 'zod';
import { StorableTextPipe } from './storable-text.pipe.js';

/**
 * Parameter options that validate (and transform) the value with a zod schema: a failure is a
 * 400 naming each field. Swagger reads the same schema, so the docs cannot drift from the check.
 * Text that no database column could keep is refused first (StorableTextPipe).
 */
export function validated(schema: z.ZodType): ParameterDecoratorOptions {
  return { schema, pipes: [StorableTextPipe, StandardSchemaValidationPipe] };
}
