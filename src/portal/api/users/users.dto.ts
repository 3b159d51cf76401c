import { z } from 'zod';
import { email, newPassword } from '../auth/auth.dto.js';
import { ROLES, USER_STATUSES } from '../auth/principal.js';

export const createUserRequest = z.object({
  email,
  name: z.string().trim().min(1).max(255),
  password: newPassword,
  role: z.enum(ROLES).default('operator'),
});
export type CreateUserRequest = z.output<typeof createUserRequest>;

/** Removing is its own route (DELETE): it cannot be undone. */
export const setUserStatusRequest = z.strictObject({
  status: z.enum(USER_STATUSES).exclude(['removed']),
});
export type SetUserStatusRequest = z.output<typeof setUserStatusRequest>;

export const removedUserResponse = z.object({
  id: z.number().int(),
  handedOn: z.number().int().describe("How many of their chats went back to their lines' queues"),
});
export type RemovedUserResponse = z.output<typeof removedUserResponse>;
