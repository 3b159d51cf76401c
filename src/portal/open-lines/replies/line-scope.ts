/**
 * The lines a caller may see: every line for an admin, the lines they operate for an operator.
 * Repositories take it and put it in their query (`lineWhere`), so what a caller may not see is
 * never read, rather than read and filtered afterwards.
 */
export type LineScope = { all: true } | { all: false; lineIds: string[] };

export const ALL_LINES: LineScope = { all: true };

/** A Prisma `where` fragment over a `lineId` column (chats, sessions, operator events…). */
export function lineWhere(scope: LineScope): { lineId?: { in: string[] } } {
  return scope.all ? {} : { lineId: { in: scope.lineIds } };
}

/** Whether a row of `lineId` is inside the scope. */
export function inScope(scope: LineScope, lineId: string): boolean {
  return scope.all || scope.lineIds.includes(lineId);
}
