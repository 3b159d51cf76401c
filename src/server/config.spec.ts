import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_BLOCK_SCHEDULE, parseDuration, ServerConfig } from './config.js';

const HOUR = 3_600_000;
const env = (extra: Record<string, string> = {}) => ({
  DATA_DIR: '/tmp/sb-config-spec',
  SERVER_KEY: randomBytes(32).toString('base64url'),
  DEFAULT_PORTAL: 'false',
  ...extra,
});

describe(ServerConfig.name, () => {
  describe('fromEnv', () => {
    it('should default to port 3100 and a SQLite file in the data folder', () => {
      const config = ServerConfig.fromEnv(env());
      expect(config.port).toBe(3100);
      expect(config.databaseUrl).toBe('file:/tmp/sb-config-spec/server.db');
      expect(config.queue).toMatchObject({ batchSize: 50, confirmTimeoutMs: 60_000, concurrency: 8 });
      expect(config.defaultPortal).toBeUndefined();
    });

    it('should default to a growing block schedule summing to 24 h, the last period 12 h', () => {
      const schedule = ServerConfig.fromEnv(env()).queue.blockScheduleMs;
      expect(schedule).toEqual(DEFAULT_BLOCK_SCHEDULE.split(',').map(parseDuration));
      expect(schedule.reduce((a, b) => a + b, 0)).toBe(24 * HOUR);
      expect(schedule.at(-1)).toBe(12 * HOUR);
      schedule.slice(1).forEach((period, i) => expect(period).toBeGreaterThan(schedule[i]));
    });

    it('should take a schedule of its own', () => {
      expect(ServerConfig.fromEnv(env({ QUEUE_BLOCK_SCHEDULE: '30s, 2m,1h' })).queue.blockScheduleMs).toEqual(
        [30_000, 120_000, HOUR],
      );
    });

    it.each([
      [{ QUEUE_BLOCK_SCHEDULE: '1m,soon' }, /QUEUE_BLOCK_SCHEDULE: "soon" is not a duration/],
      [{ QUEUE_BLOCK_SCHEDULE: '1m,0s' }, /QUEUE_BLOCK_SCHEDULE: every period must be longer than zero/],
      [{ QUEUE_PUSH_TIMEOUT: '2m' }, /QUEUE_PUSH_TIMEOUT: must not be longer than QUEUE_CONFIRM_TIMEOUT/],
      [{ QUEUE_BATCH_SIZE: '5000' }, /QUEUE_BATCH_SIZE/],
      [{ SERVER_KEY: 'short' }, /SERVER_KEY: must be 32 bytes written base64url/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must start with file:/],
    ])('should refuse %j, naming the variable', (extra, message) => {
      expect(() => ServerConfig.fromEnv(env(extra))).toThrow(message);
    });
  });

  describe('workerOwner', () => {
    it('should name the instance by host and port, so a restart on the port supersedes its predecessor', () => {
      expect(ServerConfig.fromEnv(env({ PORT: '3105' })).workerOwner).toEqual({
        instance: `${hostname()}:3105`,
        timeoutMs: 10_000,
      });
      expect(
        ServerConfig.fromEnv(env({ WORKER_INSTANCE: 'a', WORKER_OWNER_TIMEOUT: '3s' })).workerOwner,
      ).toEqual({ instance: 'a', timeoutMs: 3_000 });
    });

    it('should give every process on a random port an instance of its own', () => {
      const instance = () => ServerConfig.fromEnv(env({ PORT: '0' })).workerOwner.instance;
      expect(instance()).not.toBe(instance());
    });

    it('should refuse a timeout of zero, naming the variable', () => {
      expect(() => ServerConfig.fromEnv(env({ WORKER_OWNER_TIMEOUT: '0s' }))).toThrow(/WORKER_OWNER_TIMEOUT/);
    });
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['15m', 900_000],
    ['12h', 12 * HOUR],
    ['30d', 30 * 24 * HOUR],
  ])('should read %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('should refuse a number without a unit', () => {
    expect(() => parseDuration('60')).toThrow(/not a duration/);
  });
});
