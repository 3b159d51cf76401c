import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { devOlpKeySpec, keptSecret } from '../common/dev-secrets.js';
import {
  boolFromEnv,
  durationFromEnv,
  intFromEnv,
  listFromEnv,
  loadEnv,
  logFormatFromEnv,
  parseDuration,
} from '../common/env.js';

export { parseDuration };

const duration = durationFromEnv;

const durationList = (def: string) =>
  z
    .string()
    .default(def)
    .transform((v, ctx) => {
      try {
        const list = v.split(',').map(parseDuration);
        if (list.some((ms) => ms <= 0)) throw new Error('every period must be longer than zero');
        return list;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

/**
 * Default block schedule of a line whose portal does not confirm: ten growing periods that sum to
 * 24 h, the last one 12 h (1+4+10+15+30+60+120+180+300 minutes = 12 h, then 12 h).
 */
export const DEFAULT_BLOCK_SCHEDULE = '1m,4m,10m,15m,30m,1h,2h,3h,5h,12h';

const schema = z
  .object({
    PORT: intFromEnv(3100),
    HOST: z.string().default('127.0.0.1'),
    PUBLIC_URL: z.url().optional(),
    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql:// (PostgreSQL)')
      .optional(),
    SERVER_ID: z.string().min(1).default('connector-server'),
    SERVER_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64url').length === 32, 'must be 32 bytes written base64url')
      .optional(),
    DEFAULT_PORTAL: boolFromEnv(true),
    PORTAL_ID: z.string().min(1).default('portal'),
    PORTAL_URL: z.url().default('http://127.0.0.1:3000'),
    OLP_KEYS: z.string().optional(),
    QUEUE_BATCH_SIZE: intFromEnv(50, 1).pipe(z.number().max(1000)),
    QUEUE_CONFIRM_TIMEOUT: duration('60s'),
    QUEUE_PUSH_TIMEOUT: duration('30s'),
    QUEUE_BLOCK_SCHEDULE: durationList(DEFAULT_BLOCK_SCHEDULE),
    QUEUE_CONCURRENCY: intFromEnv(8, 1),
    DEAD_LETTER_RETENTION: duration('30d'),
    OUTBOUND_RETRY_SCHEDULE: durationList('10s,1m,5m,15m,1h'),
    OUTBOUND_LEASE: duration('5m'),
    BOTFRAMEWORK_OPENID_METADATA_URL: z
      .url()
      .default('https://login.botframework.com/v1/.well-known/openidconfiguration'),
    BOTFRAMEWORK_TOKEN_URL: z
      .url()
      .default('https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token'),
    TELEGRAM_API_URL: z.url().default('https://api.telegram.org'),
    TELEGRAM_FILE_LINK_TTL: duration('7d'),
    LIVECHAT_ORIGINS: listFromEnv(),
    LIVECHAT_SESSION_TTL: duration('30d'),
    LIVECHAT_POLL_TIMEOUT: duration('25s'),
    WORKERS: boolFromEnv(true),
    WORKER_POLL: duration('1s'),
    WORKER_INSTANCE: z.string().min(1).optional(),
    WORKER_OWNER_TIMEOUT: duration('10s').refine((ms) => ms > 0, 'must be longer than zero'),
    LOG_FORMAT: logFormatFromEnv(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  })
  .refine((env) => env.QUEUE_PUSH_TIMEOUT <= env.QUEUE_CONFIRM_TIMEOUT, {
    path: ['QUEUE_PUSH_TIMEOUT'],
    message: 'must not be longer than QUEUE_CONFIRM_TIMEOUT',
  });

export type ServerEnv = z.output<typeof schema>;

/** The portal registered at start when the registry is empty (the single-machine start). */
export interface DefaultPortal {
  id: string;
  baseUrl: string;
  /** `kid:secret,...`; read (or kept for development) only when the portal is registered. */
  keySpec: () => string;
}

/** Validated connector server configuration, with development secrets filled in where none were given. */
export class ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Base of the webhook addresses given to channels. */
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly serverId: string;
  /** 32 bytes; encrypts channel secrets and portal keys at rest (AES-256-GCM). */
  readonly serverKey: Buffer;
  readonly defaultPortal: DefaultPortal | undefined;
  readonly queue: {
    /** Most items per push to the portal. */
    batchSize: number;
    /** How long a pushed batch may wait for setStatusDelivered. */
    confirmTimeoutMs: number;
    /** HTTP timeout of one push. */
    pushTimeoutMs: number;
    /** Block periods after each failed push; after the last one fails the items go to dead letters. */
    blockScheduleMs: number[];
    /** Lines pushed at the same time by one process. */
    concurrency: number;
    deadLetterRetentionMs: number;
  };
  readonly outbound: {
    /** Waits before each retry of a call the channel failed transiently; then it is reported failed. */
    retryScheduleMs: number[];
    /**
     * How long a worker owns a line's outbound calls before another process may take them over
     * although the worker's owner looks alive (a dead owner's claims are taken back at once).
     */
    leaseMs: number;
  };
  readonly telegram: {
    /** Base of the Bot API (`<base>/bot<token>/<method>`, files at `<base>/file/bot<token>/<path>`). */
    apiUrl: string;
    /** How long a file link handed to the portal stays valid. */
    fileLinkTtlMs: number;
  };
  readonly livechat: {
    /** Web origins whose pages may call the visitor endpoints (CORS); `*` for any. */
    origins: string[];
    /** How long a visitor's session token is valid. */
    sessionTtlMs: number;
    /** How long a long-poll request waits for an event before it answers empty. */
    pollTimeoutMs: number;
  };
  readonly botframework: {
    /** OpenID metadata of the Bot Connector service; its `jwks_uri` gives the keys that sign activities. */
    openIdMetadataUrl: string;
    /** Where the bot gets its access token for the Bot Connector API (OAuth client credentials). */
    tokenUrl: string;
  };
  /** Whether this process runs the queue and outbound workers. */
  readonly workers: boolean;
  readonly workerPollMs: number;
  /**
   * This process as the owner of its queue and outbound claims: a process that starts takes back at once the
   * claims of the earlier process of its instance (default: host and port), and any process those
   * of an owner silent past timeoutMs.
   */
  readonly workerOwner: { instance: string; timeoutMs: number };
  readonly logFormat: 'json' | 'pretty';
  readonly logLevel: ServerEnv['LOG_LEVEL'];

  constructor(env: ServerEnv) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.publicUrl = (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, '');
    this.dataDir = resolve(env.DATA_DIR);
    this.databaseUrl = env.DATABASE_URL ?? `file:${join(this.dataDir, 'server.db')}`;
    this.serverId = env.SERVER_ID;
    this.serverKey = Buffer.from(env.SERVER_KEY ?? keptSecret(join(this.dataDir, 'server-key')), 'base64url');
    // The portal's single-machine start keeps its development keys in the same file.
    this.defaultPortal = env.DEFAULT_PORTAL
      ? {
          id: env.PORTAL_ID,
          baseUrl: env.PORTAL_URL.replace(/\/$/, ''),
          keySpec: () => env.OLP_KEYS ?? devOlpKeySpec(this.dataDir),
        }
      : undefined;
    this.queue = {
      batchSize: env.QUEUE_BATCH_SIZE,
      confirmTimeoutMs: env.QUEUE_CONFIRM_TIMEOUT,
      pushTimeoutMs: env.QUEUE_PUSH_TIMEOUT,
      blockScheduleMs: env.QUEUE_BLOCK_SCHEDULE,
      concurrency: env.QUEUE_CONCURRENCY,
      deadLetterRetentionMs: env.DEAD_LETTER_RETENTION,
    };
    this.outbound = { retryScheduleMs: env.OUTBOUND_RETRY_SCHEDULE, leaseMs: env.OUTBOUND_LEASE };
    this.telegram = {
      apiUrl: env.TELEGRAM_API_URL.replace(/\/$/, ''),
      fileLinkTtlMs: env.TELEGRAM_FILE_LINK_TTL,
    };
    this.livechat = {
      origins: env.LIVECHAT_ORIGINS,
      sessionTtlMs: env.LIVECHAT_SESSION_TTL,
      pollTimeoutMs: env.LIVECHAT_POLL_TIMEOUT,
    };
    this.botframework = {
      openIdMetadataUrl: env.BOTFRAMEWORK_OPENID_METADATA_URL,
      tokenUrl: env.BOTFRAMEWORK_TOKEN_URL,
    };
    this.workers = env.WORKERS;
    this.workerPollMs = env.WORKER_POLL;
    this.workerOwner = {
      // A restarted process listens on its old port; on a random one (0) nothing names its
      // predecessor, so it is an instance of its own.
      instance: env.WORKER_INSTANCE ?? `${hostname()}:${env.PORT === 0 ? randomUUID() : env.PORT}`,
      timeoutMs: env.WORKER_OWNER_TIMEOUT,
    };
    this.logFormat = env.LOG_FORMAT;
    this.logLevel = env.LOG_LEVEL;
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
    return new ServerConfig(loadEnv(schema, env));
  }
}
