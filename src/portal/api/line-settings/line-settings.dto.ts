import { z } from 'zod';
import type { QuickAnswer } from '../../../generated/portal-sqlite/client.js';
import { lineSettingsSchema } from '../../open-lines/line-settings/line-settings.js';
import { isoDate } from '../common/schemas.js';

/** Settings as stored, defaults filled in. */
export const lineSettingsResponse = lineSettingsSchema;

/** Any subset of the settings; the result is validated as a whole (400 naming each field). */
export const lineSettingsPatch = z
  .record(z.string(), z.unknown())
  .describe('Any subset of the line settings fields');
export type LineSettingsPatch = z.output<typeof lineSettingsPatch>;

export const lineOperatorsRequest = z.strictObject({
  /** User ids in queue order. */
  userIds: z.array(z.number().int().min(1)).max(10_000),
});
export type LineOperatorsRequest = z.output<typeof lineOperatorsRequest>;
export const lineOperatorsResponse = lineOperatorsRequest;

export const quickAnswerRequest = z.strictObject({
  title: z.string().trim().min(1).max(200),
  text: z.string().min(1).max(10_000),
});
export type QuickAnswerRequest = z.output<typeof quickAnswerRequest>;
export const quickAnswerPatch = quickAnswerRequest.partial();
export type QuickAnswerPatch = z.output<typeof quickAnswerPatch>;

export const quickAnswerResponse = z.object({
  id: z.number().int(),
  lineId: z.number().int(),
  title: z.string(),
  text: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type QuickAnswerResponse = z.output<typeof quickAnswerResponse>;

export function toQuickAnswerResponse(q: QuickAnswer): QuickAnswerResponse {
  return {
    id: q.id,
    lineId: q.lineId,
    title: q.title,
    text: q.text,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}
