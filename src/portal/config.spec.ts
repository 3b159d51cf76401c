import { describe, expect, it } from '@jest/globals';
import { hostname } from 'node:os';
import { PortalConfig } from './config.js';

const base = { DATA_DIR: '/tmp/sb-config-spec', OLP_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64url')}` };

describe(PortalConfig.name, () => {
  describe('INBOX_LEASE', () => {
    it('should default to 5 minutes and take a duration', () => {
      expect(PortalConfig.fromEnv(base).inboxLeaseMs).toBe(300_000);
      expect(PortalConfig.fromEnv({ ...base, INBOX_LEASE: '90s' }).inboxLeaseMs).toBe(90_000);
    });

    it('should refuse a lease that is not a duration, or zero, naming the variable', () => {
      expect(() => PortalConfig.fromEnv({ ...base, INBOX_LEASE: '300' })).toThrow(
        /INBOX_LEASE: .*not a duration/,
      );
      expect(() => PortalConfig.fromEnv({ ...base, INBOX_LEASE: '0s' })).toThrow(
        /INBOX_LEASE: must be longer/,
      );
    });
  });

  describe('workerOwner', () => {
    it('should name the instance by host and port, so a restart on the port supersedes its predecessor', () => {
      expect(PortalConfig.fromEnv({ ...base, PORT: '3005' }).workerOwner).toEqual({
        instance: `${hostname()}:3005`,
        timeoutMs: 10_000,
      });
      expect(
        PortalConfig.fromEnv({ ...base, WORKER_INSTANCE: 'a', WORKER_OWNER_TIMEOUT: '3s' }).workerOwner,
      ).toEqual({ instance: 'a', timeoutMs: 3_000 });
    });

    it('should give every process on a random port an instance of its own', () => {
      const instance = () => PortalConfig.fromEnv({ ...base, PORT: '0' }).workerOwner.instance;
      expect(instance()).not.toBe(instance());
    });
  });
});
