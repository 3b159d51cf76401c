import { z } from 'zod';
import { ConnectorError, type ConnectorSettings } from '../connector.js';
import type { BotCredentials } from './token-client.js';

/** saveSettings parameters: the Azure Bot's Microsoft App ID and a client secret (password) of it. */
const paramsSchema = z.object({
  app_id: z.string().trim().min(1).max(255),
  app_password: z.string().min(1).max(1024),
});

/** Validates the portal's parameters into the settings kept (sealed at rest) for the line. */
export function settingsFromParams(params: unknown): BotCredentials & ConnectorSettings {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'params';
    throw new ConnectorError('INVALID_SETTINGS', `${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  return { appId: parsed.data.app_id, appPassword: parsed.data.app_password };
}

/** The kept credentials of a line, or null before saveSettings. */
export function credentialsOf(settings: ConnectorSettings): BotCredentials | null {
  const { appId, appPassword } = settings;
  return typeof appId === 'string' && typeof appPassword === 'string' ? { appId, appPassword } : null;
}
