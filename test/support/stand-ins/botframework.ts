import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../../../src/common/clock.js';

/** A call the bot made to the Bot Connector API. */
export interface ConnectorCall {
  method: string;
  /** The path below the service URL's host, e.g. `/amer/v3/conversations/abcd1234/activities`. */
  path: string;
  conversationId: string;
  activityId?: string;
  authorization: string | undefined;
  body: Record<string, unknown> | null;
}

export interface SignOptions {
  /** The audience: the bot's app id. */
  appId: string;
  issuer?: string;
  /** Seconds from now until the token expires (negative: already expired). */
  expiresIn?: number;
  /** The `serviceurl` claim; the activity's serviceUrl by default, null for none. */
  serviceUrl?: string | null;
  /** Sign with a key the key set does not publish. */
  unknownKey?: boolean;
  /** Leave the kid out of the header (the published key still verifies the signature). */
  noKid?: boolean;
}

const ISSUER = 'https://api.botframework.com';

/**
 * The Bot Framework as a bot sees it, on one local HTTP server: the OpenID metadata and key set
 * of the Bot Connector service (`/v1/.well-known/openidconfiguration`, `/v1/.well-known/keys`),
 * the token endpoint (`/botframework.com/oauth2/v2.0/token`, client credentials) and the
 * connector API at the service URL (`/amer/v3/conversations/{id}/activities[/{activityId}]`),
 * which records every call. It signs activities with its RSA key as the Bot Connector does.
 */
export class BotFrameworkStandIn {
  url = '';
  /** App id to password of the bots the token endpoint knows. */
  readonly apps = new Map<string, string>();
  /** Connector API calls, in arrival order. */
  readonly calls: ConnectorCall[] = [];
  /** Token requests, in arrival order (form fields). */
  readonly tokenRequests: Record<string, string>[] = [];
  /** Statuses the connector API answers the next calls with, before answering normally. */
  readonly failNext: number[] = [];
  /** Lifetime of issued tokens, seconds. */
  tokenLifetime = 3600;
  /** The channels the key set endorses the signing key for; null publishes the key without the list. */
  endorsements: string[] | null = ['msteams', 'webchat', 'skype'];
  private readonly tokens = new Set<string>();
  private kid = '';
  private key?: CryptoKey;
  private jwk?: JWK;
  private strangerKey?: CryptoKey;
  private activityIds = 0;
  private server?: Server;

  constructor(private readonly clock: Clock) {}

  /** Where activities are posted from, and replies go to (as the activity's serviceUrl). */
  get serviceUrl(): string {
    return `${this.url}/amer/`;
  }

  get openIdMetadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  get tokenUrl(): string {
    return `${this.url}/botframework.com/oauth2/v2.0/token`;
  }

  /** Server environment pointing the connector at this stand-in. */
  env(): Record<string, string> {
    return {
      BOTFRAMEWORK_OPENID_METADATA_URL: this.openIdMetadataUrl,
      BOTFRAMEWORK_TOKEN_URL: this.tokenUrl,
    };
  }

  async start(): Promise<this> {
    const pair = await generateKeyPair('RS256');
    const stranger = await generateKeyPair('RS256');
    this.key = pair.privateKey;
    this.strangerKey = stranger.privateKey;
    this.kid = randomUUID();
    this.jwk = { ...(await exportJWK(pair.publicKey)), kid: this.kid, use: 'sig' };
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Makes every token issued so far invalid (the connector API answers them 401). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** The `Authorization` header the Bot Connector sends with an activity. */
  async authorization(activity: { serviceUrl?: unknown }, opts: SignOptions): Promise<string> {
    const now = Math.floor(this.clock.nowMs() / 1000);
    const serviceUrl = opts.serviceUrl === undefined ? activity.serviceUrl : opts.serviceUrl;
    const token = await new SignJWT(serviceUrl === null ? {} : { serviceurl: serviceUrl })
      .setProtectedHeader({
        alg: 'RS256',
        ...(!opts.noKid && { kid: opts.unknownKey ? randomUUID() : this.kid }),
        typ: 'JWT',
      })
      .setIssuer(opts.issuer ?? ISSUER)
      .setAudience(opts.appId)
      .setNotBefore(now - 300)
      .setIssuedAt(now - 300)
      .setExpirationTime(now + (opts.expiresIn ?? 3600))
      .sign(opts.unknownKey ? this.strangerKey! : this.key!);
    return `Bearer ${token}`;
  }

  /** Posts an activity to a webhook address as the Bot Connector would. */
  async post(webhookUrl: string, activity: Record<string, unknown>, opts: SignOptions): Promise<Response> {
    return fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: await this.authorization(activity, opts),
      },
      body: JSON.stringify(activity),
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      return this.reply(res, 200, {
        issuer: ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && path === '/v1/.well-known/keys') {
      const endorsed = this.endorsements && { endorsements: this.endorsements };
      return this.reply(res, 200, { keys: [{ ...this.jwk, ...endorsed }] });
    }
    if (req.method === 'POST' && path === '/botframework.com/oauth2/v2.0/token') return this.token(raw, res);
    const api = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (api) return this.connectorApi(req, res, path, api, raw);
    this.reply(res, 404, { error: { code: 'NotFound', message: `no route ${req.method} ${path}` } });
  }

  private token(raw: string, res: ServerResponse): void {
    const form = Object.fromEntries(new URLSearchParams(raw));
    this.tokenRequests.push(form);
    const known = this.apps.get(form.client_id ?? '');
    if (form.grant_type !== 'client_credentials' || form.scope !== 'https://api.botframework.com/.default') {
      return this.reply(res, 400, {
        error: 'invalid_request',
        error_description: 'AADSTS900144: bad grant or scope',
      });
    }
    if (known === undefined || known !== form.client_secret) {
      return this.reply(res, 401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
      });
    }
    const token = `token-${randomUUID()}`;
    this.tokens.add(token);
    this.reply(res, 200, {
      token_type: 'Bearer',
      expires_in: this.tokenLifetime,
      ext_expires_in: this.tokenLifetime,
      access_token: token,
    });
  }

  private connectorApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    match: RegExpExecArray,
    raw: string,
  ): void {
    const failure = this.failNext.shift();
    if (failure !== undefined)
      return this.reply(res, failure, { error: { code: 'ServiceError', message: 'stand-in failure' } });
    const authorization = req.headers.authorization;
    if (!this.tokens.has((authorization ?? '').replace(/^Bearer /, ''))) {
      return this.reply(res, 401, { message: 'Authorization has been denied for this request.' });
    }
    const activityId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    this.calls.push({
      method: req.method ?? '',
      path,
      conversationId: decodeURIComponent(match[1]),
      ...(activityId !== undefined && { activityId }),
      authorization,
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : null,
    });
    if (req.method === 'POST' && activityId === undefined)
      return this.reply(res, 200, { id: `activity-${++this.activityIds}` });
    if (req.method === 'PUT' && activityId !== undefined) return this.reply(res, 200, { id: activityId });
    if (req.method === 'DELETE' && activityId !== undefined) {
      res.writeHead(200).end();
      return;
    }
    this.reply(res, 405, { error: { code: 'MethodNotAllowed', message: `${req.method} ${path}` } });
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
