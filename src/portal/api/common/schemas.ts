import { z } from 'zod';
import { MAX_ROW_ID } from '../../open-lines/row-id.js';

/** A numeric row id in a path or query string. */
export const rowId = z.coerce.number().int().min(1).max(MAX_ROW_ID);

export const isoDate = z.iso.datetime();

export const pageLimit = (def: number, max: number) => z.coerce.number().int().min(1).max(max).default(def);

/** JSON stored as text, given back parsed; null when the stored text is not JSON. */
export function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
