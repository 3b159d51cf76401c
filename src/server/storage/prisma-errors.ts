/** Whether a Prisma error is a unique constraint violation (P2002), on either generated client. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
