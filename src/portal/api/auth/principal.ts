import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

export const ROLES = ['admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export const USER_STATUSES = ['active', 'disabled', 'removed'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Who is calling: the verified bearer token's user, as the database has them now. */
export interface Principal {
  userId: number;
  email: string;
  role: Role;
  /** The user's token version the token was issued under; a bump ends the token. */
  tokenVersion: number;
}

/** The part of the HTTP request the guard reads and writes. */
export interface ApiRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

export const IS_PUBLIC = 'api:public';
export const REQUIRED_ROLES = 'api:roles';

/** The route needs no token (login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route needs one of these roles; without it any signed-in user may call it. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The caller's Principal, set by the AuthGuard. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<ApiRequest>().principal;
  if (!principal) throw new Error('CurrentUser used on a route without the AuthGuard');
  return principal;
});
