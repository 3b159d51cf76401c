import { describe, expect, it } from '@jest/globals';
import type { OperatorEventRow } from './operator-events.repository.js';
import { followLineOperators, isVisibleTo, type StreamAudience } from './operator-stream.hub.js';

const event = (lineId: string | null, operatorId: number | null): OperatorEventRow => ({
  id: 1,
  type: 'message.created',
  payload: {},
  lineId,
  operatorId,
  createdAt: new Date(0),
});

describe('isVisibleTo', () => {
  const operator: StreamAudience = { all: false, operatorId: 7, lineIds: new Set(['1']) };

  it("should show an operator the events of their lines, their own, and everybody's", () => {
    expect(isVisibleTo(operator, event('1', null))).toBe(true);
    expect(isVisibleTo(operator, event('2', 7))).toBe(true);
    expect(isVisibleTo(operator, event(null, null))).toBe(true);
  });

  it("should hide other lines' and other operators' events from an operator", () => {
    expect(isVisibleTo(operator, event('2', null))).toBe(false);
    expect(isVisibleTo(operator, event(null, 8))).toBe(false);
    expect(isVisibleTo(operator, event('2', 8))).toBe(false);
  });

  it('should show an admin everything', () => {
    const admin: StreamAudience = { all: true, operatorId: 1, lineIds: new Set() };
    expect(isVisibleTo(admin, event('2', 8))).toBe(true);
  });
});

describe('followLineOperators', () => {
  const operator: StreamAudience = { all: false, operatorId: 7, lineIds: new Set(['1']) };
  const setTo = (lineId: string, userIds: unknown): OperatorEventRow => ({
    ...event(lineId, null),
    type: 'line.operators',
    payload: { lineId: Number(lineId), userIds },
  });

  it('should add the line to an operator who joined it and take it from one who left', () => {
    expect([...followLineOperators(operator, setTo('2', [3, 7])).lineIds]).toEqual(['1', '2']);
    expect([...followLineOperators(operator, setTo('1', [3])).lineIds]).toEqual([]);
    expect([...followLineOperators(operator, setTo('1', 'garbage')).lineIds]).toEqual([]);
  });

  it('should leave the audience as it is for other events, unchanged lines and admins', () => {
    expect(followLineOperators(operator, event('2', null))).toBe(operator);
    expect(followLineOperators(operator, setTo('1', [7]))).toBe(operator);
    const admin: StreamAudience = { all: true, operatorId: 7, lineIds: new Set() };
    expect(followLineOperators(admin, setTo('1', []))).toBe(admin);
  });
});
