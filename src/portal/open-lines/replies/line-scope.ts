import type { Prisma } from '../../../generated/portal-sqlite/client.js';
import { parseRowId } from '../row-id.js';

/**
 * The lines a caller may see: every line for an admin, the lines they operate for an operator.
 * Repositories take it and put it in their query (`lineWhere`, `chatsInScope`…), so what a
 * caller may not see is never read, rather than read and filtered afterwards.
 *
 * An operator also sees the sessions assigned to them on other lines (a transfer to an operator
 * may cross lines), and a chat whose session they see: a transfer or the line bot moves a
 * session to another line while its chat stays on the first.
 */
export type LineScope = { all: true } | { all: false; lineIds: string[]; userId: number };

export const ALL_LINES: LineScope = { all: true };

/** A Prisma `where` fragment over a text `lineId` column (chats, operator events…). */
export function lineWhere(scope: LineScope): { lineId?: { in: string[] } } {
  return scope.all ? {} : { lineId: { in: scope.lineIds } };
}

/** Whether a row of `lineId` is inside the scope. */
export function inScope(scope: LineScope, lineId: string): boolean {
  return scope.all || scope.lineIds.includes(lineId);
}

/** Sessions on the scope's lines or assigned to its operator. */
export function sessionsInScope(scope: LineScope): Prisma.SessionWhereInput {
  if (scope.all) return {};
  const lineIds = scope.lineIds.flatMap((id) => parseRowId(id) ?? []);
  return { OR: [{ lineId: { in: lineIds } }, { operatorId: scope.userId }] };
}

/** Chats on the scope's lines or with a session the scope sees. */
export function chatsInScope(scope: LineScope): Prisma.ChatWhereInput {
  if (scope.all) return {};
  return { OR: [lineWhere(scope), { sessions: { some: sessionsInScope(scope) } }] };
}

/** Messages of the chats the scope sees. */
export function messagesInScope(scope: LineScope): Prisma.MessageWhereInput {
  return scope.all ? {} : { chat: chatsInScope(scope) };
}
