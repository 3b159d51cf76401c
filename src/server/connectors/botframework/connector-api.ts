import { type BotCredentials, type BotTokenClient } from './token-client.js';
import { normalizeServiceUrl } from './service-url-seal.js';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The Bot Connector answered with a status worth retrying later (429, 5xx) or could not be reached. */
export class ConnectorApiUnavailable extends Error {
  override name = 'ConnectorApiUnavailable';
}

/**
 * Calls of the Bot Connector REST API (v3) at a conversation's service URL, with the bot's
 * token; a 401 renews the token and tries once more (the token may have been revoked early).
 */
export class ConnectorApi {
  constructor(private readonly tokens: BotTokenClient) {}

  /** `{serviceUrl}/v3/conversations/{conversationId}/activities[/{activityId}]`. */
  static activitiesUrl(serviceUrl: string, conversationId: string, activityId?: string): string {
    const base = `${normalizeServiceUrl(serviceUrl)}/v3/conversations/${encodeURIComponent(conversationId)}/activities`;
    return activityId === undefined ? base : `${base}/${encodeURIComponent(activityId)}`;
  }

  async call(
    creds: BotCredentials,
    method: 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<ApiAnswer> {
    let answer = await this.send(await this.tokens.token(creds), method, url, body);
    if (answer.status === 401)
      answer = await this.send(await this.tokens.token(creds, { renew: true }), method, url, body);
    if (answer.status === 429 || answer.status >= 500) {
      throw new ConnectorApiUnavailable(`${method} ${url}: HTTP ${answer.status}`);
    }
    return answer;
  }

  private async send(token: string, method: string, url: string, body: unknown): Promise<ApiAnswer> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
        redirect: 'error',
      });
    } catch (err) {
      throw new ConnectorApiUnavailable(`${method} ${url}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }
}
