import { describe, expect, it } from '@jest/globals';
import type { OperatorEventRow } from './operator-events.repository.js';
import { isVisibleTo, type StreamAudience } from './operator-stream.hub.js';

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
