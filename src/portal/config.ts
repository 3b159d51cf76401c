import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  boolFromEnv,
  durationFromEnv,
  intFromEnv,
  listFromEnv,
  loadEnv,
  logFormatFromEnv,
} from '../common/env.js';
import { devOlpKeySpec, keptSecret } from '../common/dev-secrets.js';
import { parseKeyRing, type KeyRing } from '../protocol/index.js';

const schema = z.object({
  PORT: intFromEnv(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgresql:// (PostgreSQL)')
    .optional(),
  PORTAL_ID: z.string().min(1).default('portal'),
  SERVER_ID: z.string().min(1).default('connector-server'),
  CONNECTOR_SERVER_URL: z.url().default('http://127.0.0.1:3100'),
  OLP_KEYS: z.string().optional(),
  ADMIN_EMAIL: z.email().default('admin@switchboard.local'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  AUTH_SECRET: z.string().min(32).optional(),
  FILE_MAX_BYTES: intFromEnv(50 * 1024 * 1024, 1),
  FILE_ALLOW_HOSTS: listFromEnv(),
  FILE_CONNECT_TIMEOUT_MS: intFromEnv(10_000, 1),
  FILE_READ_TIMEOUT_MS: intFromEnv(60_000, 1),
  FILE_ATTEMPTS: intFromEnv(3, 1),
  OUTPUT_CONNECT_TIMEOUT_MS: intFromEnv(20_000, 1),
  OUTPUT_READ_TIMEOUT_MS: intFromEnv(60_000, 1),
  OUTPUT_CACHE_TTL_MS: intFromEnv(60_000, 0),
  INBOX_MAX_ATTEMPTS: intFromEnv(8, 1),
  INBOX_LEASE: durationFromEnv('5m').refine((ms) => ms > 0, 'must be longer than zero'),
  WORKERS: boolFromEnv(true),
  WORKER_INSTANCE: z.string().min(1).optional(),
  WORKER_OWNER_TIMEOUT: durationFromEnv('10s').refine((ms) => ms > 0, 'must be longer than zero'),
  STREAM_POLL_MS: intFromEnv(100, 10),
  STREAM_HEARTBEAT_MS: intFromEnv(15_000, 100),
  STREAM_TOKEN_TTL_SECONDS: intFromEnv(60, 1),
  OPERATOR_EVENTS_RETAIN_HOURS: intFromEnv(72, 1),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_FORMAT: logFormatFromEnv(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type PortalEnv = z.output<typeof schema>;

/** Validated portal configuration, with development secrets filled in where none were given. */
export class PortalConfig {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly portalId: string;
  readonly serverId: string;
  readonly serverUrl: string;
  /** Keys shared with the connector server: the first signs, all verify. */
  readonly olpKeys: KeyRing;
  readonly adminEmail: string;
  /** Undefined when the first admin's password is generated at first start. */
  readonly adminPassword: string | undefined;
  readonly authSecret: string;
  readonly files: {
    maxBytes: number;
    allowHosts: string[];
    connectTimeoutMs: number;
    readTimeoutMs: number;
    attempts: number;
    dir: string;
  };
  readonly output: { connectTimeoutMs: number; readTimeoutMs: number; cacheTtlMs: number };
  readonly inboxMaxAttempts: number;
  /** How long an inbox claim holds when its owner is alive; renewed while the row runs. */
  readonly inboxLeaseMs: number;
  /** Whether this process runs the inbox and outbox workers. */
  readonly workers: boolean;
  /**
   * This process as the owner of worker claims: a process that starts takes back at once the claims
   * of the earlier process of its instance (default: host name and port), and any process those of
   * an owner silent past timeoutMs.
   */
  readonly workerOwner: { instance: string; timeoutMs: number };
  /** The operators' event stream (GET /api/stream) and its stored events. */
  readonly stream: {
    /** How often a process with stream clients looks for events other processes stored. */
    pollMs: number;
    /** Interval of the comment lines that keep idle connections (and proxies) open. */
    heartbeatMs: number;
    /** Lifetime of a stream token (the query-string credential EventSource can send). */
    tokenTtlSeconds: number;
    /** Stored events older than this are deleted (by processes running the workers). */
    retainMs: number;
  };
  /** The bearer token GET /metrics requires; open (like /health) when unset. */
  readonly metricsToken: string | undefined;
  readonly logFormat: 'json' | 'pretty';
  readonly logLevel: PortalEnv['LOG_LEVEL'];

  constructor(env: PortalEnv) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.publicUrl = (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, '');
    this.dataDir = resolve(env.DATA_DIR);
    this.databaseUrl = env.DATABASE_URL ?? `file:${join(this.dataDir, 'portal.db')}`;
    this.portalId = env.PORTAL_ID;
    this.serverId = env.SERVER_ID;
    this.serverUrl = env.CONNECTOR_SERVER_URL.replace(/\/$/, '');
    this.olpKeys = parseKeyRing(env.OLP_KEYS ?? devOlpKeySpec(this.dataDir));
    this.adminEmail = env.ADMIN_EMAIL;
    this.adminPassword = env.ADMIN_PASSWORD;
    this.authSecret = env.AUTH_SECRET ?? keptSecret(join(this.dataDir, 'portal-auth-secret'));
    this.files = {
      maxBytes: env.FILE_MAX_BYTES,
      allowHosts: env.FILE_ALLOW_HOSTS,
      connectTimeoutMs: env.FILE_CONNECT_TIMEOUT_MS,
      readTimeoutMs: env.FILE_READ_TIMEOUT_MS,
      attempts: env.FILE_ATTEMPTS,
      dir: join(this.dataDir, 'files'),
    };
    this.output = {
      connectTimeoutMs: env.OUTPUT_CONNECT_TIMEOUT_MS,
      readTimeoutMs: env.OUTPUT_READ_TIMEOUT_MS,
      cacheTtlMs: env.OUTPUT_CACHE_TTL_MS,
    };
    this.inboxMaxAttempts = env.INBOX_MAX_ATTEMPTS;
    this.inboxLeaseMs = env.INBOX_LEASE;
    this.workers = env.WORKERS;
    this.workerOwner = {
      // The port tells apart processes of one host, and a restarted process listens on its old one;
      // on a random port (0) nothing identifies its predecessor, so it has an instance of its own.
      instance: env.WORKER_INSTANCE ?? `${hostname()}:${env.PORT === 0 ? randomUUID() : env.PORT}`,
      timeoutMs: env.WORKER_OWNER_TIMEOUT,
    };
    this.stream = {
      pollMs: env.STREAM_POLL_MS,
      heartbeatMs: env.STREAM_HEARTBEAT_MS,
      tokenTtlSeconds: env.STREAM_TOKEN_TTL_SECONDS,
      retainMs: env.OPERATOR_EVENTS_RETAIN_HOURS * 3_600_000,
    };
    this.metricsToken = env.METRICS_TOKEN;
    this.logFormat = env.LOG_FORMAT;
    this.logLevel = env.LOG_LEVEL;
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): PortalConfig {
    return new PortalConfig(loadEnv(schema, env));
  }
}
