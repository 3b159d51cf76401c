/** Largest value of an INTEGER/SERIAL primary key on PostgreSQL (and so the portal's row ids). */
export const MAX_ROW_ID = 2_147_483_647;

/** Our row id from its text form (as ids travel in OLP), or null when it cannot be one. */
export function parseRowId(value: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= MAX_ROW_ID ? id : null;
}
