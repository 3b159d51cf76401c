import { describe, expect, it } from '@jest/globals';
import { nobodyReason, pickOperator, type OperatorState } from './distribution.js';

const op = (userId: number, o: Partial<OperatorState> = {}): OperatorState => ({
  userId,
  position: userId - 1,
  presence: 'online',
  load: 0,
  lastAssignedAt: null,
  ...o,
});

describe('pickOperator', () => {
  const none = new Set<number>();

  it('should take the first available operator in order when strictly', () => {
    const ops = [op(1, { presence: 'away' }), op(2, { load: 3 }), op(3)];
    expect(pickOperator(ops, { queueType: 'strictly', maxChats: 3, tried: none })).toMatchObject({
      operatorId: 3,
      reason: expect.stringContaining('position 3'),
    });
  });

  it('should take the least recently served operator when evenly, never served first, ties by order', () => {
    const ops = [op(1, { lastAssignedAt: 200 }), op(2, { lastAssignedAt: 100 }), op(3), op(4)];
    expect(pickOperator(ops, { queueType: 'evenly', maxChats: null, tried: none }).operatorId).toBe(3);
    expect(
      pickOperator(ops.slice(0, 2), { queueType: 'evenly', maxChats: null, tried: none }).operatorId,
    ).toBe(2);
  });

  it('should skip operators already tried, and start a new round when all were', () => {
    const ops = [op(1), op(2)];
    expect(pickOperator(ops, { queueType: 'strictly', maxChats: null, tried: new Set([1]) })).toMatchObject({
      operatorId: 2,
      newRound: false,
    });
    expect(
      pickOperator(ops, { queueType: 'strictly', maxChats: null, tried: new Set([1, 2]) }),
    ).toMatchObject({
      operatorId: 1,
      newRound: true,
      reason: expect.stringContaining('new round'),
    });
  });

  it('should prefer the previous operator of a reopened session when available', () => {
    const ops = [op(1), op(2)];
    expect(
      pickOperator(ops, { queueType: 'strictly', maxChats: null, tried: none, prefer: 2 }).operatorId,
    ).toBe(2);
    expect(
      pickOperator([op(1), op(2, { presence: 'offline' })], {
        queueType: 'strictly',
        maxChats: null,
        tried: none,
        prefer: 2,
      }).operatorId,
    ).toBe(1);
  });

  it('should say why nobody can take the chat', () => {
    const ops = [op(1, { presence: 'offline' }), op(2, { presence: 'away' }), op(3, { load: 2 })];
    expect(pickOperator(ops, { queueType: 'evenly', maxChats: 2, tried: none })).toEqual({
      operatorId: null,
      reason: 'no operator available: 1 offline, 1 away, 1 at capacity (2 chats)',
    });
    expect(nobodyReason([], null)).toBe('no operator available: the line has no operators');
  });
});
