import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth (undefined members dropped, as JSON does), so the
 * same data always serialises the same way whatever order a channel sent its fields in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** MD5 of the canonical JSON: a change detector (as the seed's md5(serialize())), not a secret. */
export function canonicalMd5(value: unknown): string {
  return createHash('md5').update(canonicalJson(value)).digest('hex');
}
