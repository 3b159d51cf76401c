import { z } from 'zod';
import { email } from '../auth/auth.dto.js';
import { ROLES } from '../auth/principal.js';

export const createUserRequest = z.object({
  email,
  name: z.string().trim().min(1).max(255),
  password: z
    .string()
    .min(8)
    // bcrypt reads only the first 72 bytes; a longer password would be silently cut.
    .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'must be at most 72 bytes of UTF-8'),
  role: z.enum(ROLES).default('operator'),
});
export type CreateUserRequest = z.output<typeof createUserRequest>;
