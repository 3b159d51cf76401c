import { z } from 'zod';
import { email, newPassword } from '../auth/auth.dto.js';
import { ROLES } from '../auth/principal.js';

export const createUserRequest = z.object({
  email,
  name: z.string().trim().min(1).max(255),
  password: newPassword,
  role: z.enum(ROLES).default('operator'),
});
export type CreateUserRequest = z.output<typeof createUserRequest>;
