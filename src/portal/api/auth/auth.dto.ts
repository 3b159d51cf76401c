import { z } from 'zod';
import type { User } from '../../../generated/portal-sqlite/client.js';
import { isoDate } from '../common/schemas.js';
import { ROLES, USER_STATUSES, type Role, type UserStatus } from './principal.js';

/** Emails are kept trimmed and lower-cased, so sign-in does not depend on how one was typed. */
export const email = z.string().trim().toLowerCase().pipe(z.email().max(320));

/** A password to set (not one to check): bcrypt reads only the first 72 bytes, so longer is refused, not cut. */
export const newPassword = z
  .string()
  .min(8)
  .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'must be at most 72 bytes of UTF-8');

export const changePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword,
});
export type ChangePasswordRequest = z.output<typeof changePasswordRequest>;

export const loginRequest = z.object({
  email: z.string().trim().toLowerCase().min(1).max(320),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.output<typeof loginRequest>;

export const userResponse = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  status: z.enum(USER_STATUSES).describe('A disabled user cannot sign in until enabled again'),
  createdAt: isoDate,
});
export type UserResponse = z.output<typeof userResponse>;

export const loginResponse = z.object({
  token: z.string().describe('Send as Authorization: Bearer <token>'),
  tokenType: z.literal('Bearer'),
  expiresAt: isoDate,
  user: userResponse,
});
export type LoginResponse = z.output<typeof loginResponse>;

export function toUserResponse(row: User): UserResponse {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: toRole(row.role),
    status: toStatus(row.status),
    createdAt: row.createdAt.toISOString(),
  };
}

export function toRole(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new Error(`unknown role "${value}" in the users table`);
  return role;
}

export function toStatus(value: string): UserStatus {
  const status = USER_STATUSES.find((s) => s === value);
  if (!status) throw new Error(`unknown status "${value}" in the users table`);
  return status;
}
