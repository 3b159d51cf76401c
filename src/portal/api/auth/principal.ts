import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

export const ROLES = ['admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the verified bearer token says. */
export interface Principal {
  userId: number;
  email: string;
  role: Role;
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
