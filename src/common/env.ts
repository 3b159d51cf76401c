import { z } from 'zod';

/** Validates process.env against a schema, failing start-up with every problem named. */
export function loadEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
}

export const intFromEnv = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
export const boolFromEnv = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
export const listFromEnv = () =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

/** JSON lines for log collectors; readable lines when a person watches the terminal. */
export const logFormatFromEnv = () =>
  z.enum(['json', 'pretty']).default(process.stdout.isTTY ? 'pretty' : 'json');
