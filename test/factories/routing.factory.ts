import type { Line, User } from '../../src/generated/portal-sqlite/client.js';
import type { DatabaseService } from '../../src/portal/storage/database.service.js';

let sequence = 0;
const at = new Date(Date.UTC(2026, 0, 1));

/** A user with the operator role (not able to sign in: the hash is a placeholder). */
export function createOperator(db: DatabaseService, o: { role?: 'operator' | 'admin' } = {}): Promise<User> {
  const n = ++sequence;
  return db.client.user.create({
    data: {
      email: `operator-${n}-${Date.now()}@example.test`,
      name: `Operator ${n}`,
      role: o.role ?? 'operator',
      passwordHash: 'x',
      createdAt: at,
    },
  });
}

export function createLine(db: DatabaseService, name = `line ${++sequence}`): Promise<Line> {
  return db.client.line.create({ data: { name, createdAt: at } });
}
