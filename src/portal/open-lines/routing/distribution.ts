import type { QueueType } from '../line-settings/line-settings.js';
import type { PresenceStatus } from '../operators/presence.repository.js';

/** What routing knows about one operator of a line at the moment it decides. */
export interface OperatorState {
  userId: number;
  /** Place in the line's operator order, 0 first. */
  position: number;
  presence: PresenceStatus;
  /** Sessions the operator holds now (assigned or answered). */
  load: number;
  lastAssignedAt: number | null;
}

export type Pick =
  { operatorId: number; reason: string; newRound: boolean } | { operatorId: null; reason: string };

export interface PickOptions {
  queueType: Exclude<QueueType, 'all'>;
  maxChats: number | null;
  /** Operators this session was already offered to. */
  tried: ReadonlySet<number>;
  /** Preferred when available (a reopened session goes back to its operator). */
  prefer?: number | null;
}

/** Operators who may take a new chat now: online and under capacity. */
export function available(ops: readonly OperatorState[], maxChats: number | null): OperatorState[] {
  return ops.filter((o) => o.presence === 'online' && (maxChats === null || o.load < maxChats));
}

/** Why nobody can take a chat, counted by cause. */
export function nobodyReason(ops: readonly OperatorState[], maxChats: number | null): string {
  if (ops.length === 0) return 'no operator available: the line has no operators';
  const away = ops.filter((o) => o.presence === 'away').length;
  const offline = ops.filter((o) => o.presence === 'offline').length;
  const full = ops.filter((o) => o.presence === 'online' && maxChats !== null && o.load >= maxChats).length;
  const parts = [
    offline && `${offline} offline`,
    away && `${away} away`,
    full && `${full} at capacity (${maxChats} chats)`,
  ].filter(Boolean);
  return `no operator available: ${parts.join(', ')}`;
}

/**
 * Chooses the operator of one session. strictly: the first available in the line's order;
 * evenly: the available one served least recently (never served first, then by order). Operators
 * already tried are skipped; when every available one has been tried a new round starts.
 */
export function pickOperator(ops: readonly OperatorState[], o: PickOptions): Pick {
  const free = available(ops, o.maxChats);
  if (free.length === 0) return { operatorId: null, reason: nobodyReason(ops, o.maxChats) };
  if (o.prefer != null) {
    const back = free.find((x) => x.userId === o.prefer);
    if (back)
      return { operatorId: back.userId, reason: 'reopened: back to its previous operator', newRound: false };
  }
  let pool = free.filter((x) => !o.tried.has(x.userId));
  const newRound = pool.length === 0;
  if (newRound) pool = free;
  const prefix = newRound ? 'every available operator was tried, new round; ' : '';
  if (o.queueType === 'strictly') {
    const first = pool.reduce((a, b) => (b.position < a.position ? b : a));
    return {
      operatorId: first.userId,
      reason: `${prefix}strictly: first available in queue order (position ${first.position + 1})`,
      newRound,
    };
  }
  const least = pool.reduce((a, b) => (servedBefore(b, a) ? b : a));
  const when =
    least.lastAssignedAt === null
      ? 'never served'
      : `last served ${new Date(least.lastAssignedAt).toISOString()}`;
  return {
    operatorId: least.userId,
    reason: `${prefix}evenly: least recently served available operator (${when}, ${least.load} chats)`,
    newRound,
  };
}

function servedBefore(a: OperatorState, b: OperatorState): boolean {
  const ta = a.lastAssignedAt ?? -Infinity;
  const tb = b.lastAssignedAt ?? -Infinity;
  return ta !== tb ? ta < tb : a.position < b.position;
}
