import { beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import {
  olpBody,
  signToken,
  type PacketSigning,
  type SigningOverrides,
} from '../../../../test/factories/packet.factory.js';
import { ManualClock } from '../../../common/clock.js';
import { generateKeySpec, MAX_BODY_BYTES, OlpError } from '../../../protocol/index.js';
import { PortalConfig } from '../../config.js';
import { JtiReplayCache } from './jti-replay-cache.js';
import { OlpSigned } from './olp-signed.decorator.js';
import { OlpSignatureGuard, type OlpRequest } from './olp-signature.guard.js';
import type { SeenJtiRepository } from './seen-jti.repository.js';

@Controller()
class ProbeController {
  @Post('signed')
  @OlpSigned()
  signed(): void {}

  @Post('open')
  open(): void {}
}

/** The seen_jtis table in memory, with the repository's semantics. */
class MemoryJtis implements Pick<SeenJtiRepository, 'insert' | 'reclaimExpired' | 'deleteExpired'> {
  readonly rows = new Map<string, Date>();
  async insert(o: { iss: string; jti: string; expiresAt: Date }): Promise<boolean> {
    const key = `${o.iss} ${o.jti}`;
    if (this.rows.has(key)) return false;
    this.rows.set(key, o.expiresAt);
    return true;
  }
  async reclaimExpired(o: { iss: string; jti: string; now: Date; expiresAt: Date }): Promise<boolean> {
    const key = `${o.iss} ${o.jti}`;
    const at = this.rows.get(key);
    if (!at || at > o.now) return false;
    this.rows.set(key, o.expiresAt);
    return true;
  }
  async deleteExpired(o: { now: Date }): Promise<number> {
    let n = 0;
    for (const [key, at] of this.rows) {
      if (at <= o.now) n += Number(this.rows.delete(key));
    }
    return n;
  }
}

const NOW_S = 1_790_000_000;

describe(OlpSignatureGuard.name, () => {
  const serverKeys = `${generateKeySpec('k1')},${generateKeySpec('k2')}`;
  const [firstKey, secondKey] = serverKeys.split(',') as [string, string];
  const config = PortalConfig.fromEnv({
    DATA_DIR: '/tmp/sb-guard-spec',
    PORTAL_ID: 'portal-a',
    SERVER_ID: 'server-a',
    OLP_KEYS: serverKeys,
  });
  const signing: PacketSigning = { keySpec: firstKey, iss: 'server-a', aud: 'portal-a' };
  let clock: ManualClock;
  let jtis: MemoryJtis;
  let guard: OlpSignatureGuard;

  beforeEach(() => {
    clock = new ManualClock(NOW_S * 1000);
    jtis = new MemoryJtis();
    const replay = new JtiReplayCache(jtis as unknown as SeenJtiRepository, clock);
    guard = new OlpSignatureGuard(new Reflector(), config, replay, clock);
  });

  const request = (body: unknown, rawBody: Buffer | undefined, token?: string): OlpRequest =>
    ({
      body,
      rawBody,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    }) as OlpRequest;

  const contextFor = (req: OlpRequest, route: 'signed' | 'open' = 'signed') =>
    new ExecutionContextHost([req, {}], ProbeController, ProbeController.prototype[route]);

  /** A testConnect packet, signed with the given overrides, as the guard receives it. */
  const packet = async (o: SigningOverrides & Partial<PacketSigning> = {}, command = 'testConnect') => {
    const body = olpBody(command, {});
    const raw = JSON.stringify(body);
    const token = await signToken(raw, command, { ...signing, now: NOW_S, ...o });
    return request(body, Buffer.from(raw), token);
  };

  const refusal = async (req: OlpRequest): Promise<OlpError> => {
    const err = await guard.canActivate(contextFor(req)).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof OlpError)) throw new Error(`expected an OlpError, got ${String(err)}`);
    return err;
  };

  describe('canActivate', () => {
    it('should let a packet signed with the first key through and attach its claims', async () => {
      const req = await packet({ jti: 'jti-1' });
      await expect(guard.canActivate(contextFor(req))).resolves.toBe(true);
      expect(req.olp?.claims).toMatchObject({
        iss: 'server-a',
        aud: 'portal-a',
        jti: 'jti-1',
        cmd: 'testConnect',
      });
    });

    it('should verify with a second listed key (rotation)', async () => {
      const req = await packet({ keySpec: secondKey });
      await expect(guard.canActivate(contextFor(req))).resolves.toBe(true);
    });

    it('should leave routes without @OlpSigned alone', async () => {
      const req = request({}, undefined);
      await expect(guard.canActivate(contextFor(req, 'open'))).resolves.toBe(true);
      expect(req.olp).toBeUndefined();
    });

    it.each<{ label: string; overrides: SigningOverrides & Partial<PacketSigning>; code: string }>([
      { label: 'a wrong alg', overrides: { header: { alg: 'HS512' } }, code: 'SIGNATURE_INVALID' },
      { label: 'a wrong typ', overrides: { header: { typ: 'JWT' } }, code: 'SIGNATURE_INVALID' },
      { label: 'an unknown kid', overrides: { header: { kid: 'k9' } }, code: 'UNKNOWN_KEY' },
      { label: 'an unknown iss', overrides: { iss: 'someone-else' }, code: 'UNKNOWN_KEY' },
      {
        label: 'a bad signature',
        overrides: { secret: new Uint8Array(32).fill(7) },
        code: 'SIGNATURE_INVALID',
      },
      { label: 'a wrong aud', overrides: { aud: 'portal-b' }, code: 'SIGNATURE_INVALID' },
      {
        label: 'an expired token',
        overrides: { now: NOW_S - 200, ttlSeconds: 100 },
        code: 'SIGNATURE_EXPIRED',
      },
      {
        label: 'an iat too old',
        overrides: { now: NOW_S - 400, exp: NOW_S - 100 },
        code: 'SIGNATURE_EXPIRED',
      },
      { label: 'an iat in the future', overrides: { now: NOW_S + 120 }, code: 'SIGNATURE_EXPIRED' },
      { label: 'exp > iat + 300', overrides: { exp: NOW_S + 301 }, code: 'SIGNATURE_INVALID' },
      {
        label: 'a cmd claim for another command',
        overrides: { cmd: 'receivingMessage' },
        code: 'SIGNATURE_INVALID',
      },
      { label: 'a bh claim for another body', overrides: { bh: 'x'.repeat(43) }, code: 'SIGNATURE_INVALID' },
    ])('should refuse $label with 401 $code and remember no jti', async ({ overrides, code }) => {
      const err = await refusal(await packet(overrides));
      expect({ status: err.status, code: err.code }).toEqual({ status: 401, code });
      expect(jtis.rows.size).toBe(0);
    });

    it('should refuse a token without signature (alg none)', async () => {
      const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const claims = {
        iss: 'server-a',
        aud: 'portal-a',
        iat: NOW_S,
        exp: NOW_S + 60,
        jti: 'j',
        cmd: 'testConnect',
      };
      const body = olpBody('testConnect', {});
      const token = `${enc({ alg: 'none', typ: 'olp+jwt', kid: 'k1' })}.${enc(claims)}.`;
      const err = await refusal(request(body, Buffer.from(JSON.stringify(body)), token));
      expect(err.code).toBe('SIGNATURE_INVALID');
    });

    it('should refuse a body changed after signing (bh bound to the raw bytes)', async () => {
      const req = await packet();
      const tampered = Buffer.from(req.rawBody!.toString().replace('"telegrambot"', '"viber"'));
      const err = await refusal({ ...req, rawBody: tampered });
      expect(err.code).toBe('SIGNATURE_INVALID');
      expect(err.message).toMatch(/bh/);
    });

    it('should refuse a replayed jti with 401 REPLAYED', async () => {
      const req = await packet({ jti: 'once' });
      await expect(guard.canActivate(contextFor(req))).resolves.toBe(true);
      const err = await refusal({ ...req, olp: undefined });
      expect({ status: err.status, code: err.code }).toEqual({ status: 401, code: 'REPLAYED' });
    });

    it('should accept a jti again once its replay window is over', async () => {
      await expect(guard.canActivate(contextFor(await packet({ jti: 'again' })))).resolves.toBe(true);
      clock.advance(601_000);
      const later = await packet({ jti: 'again', now: NOW_S + 601 });
      await expect(guard.canActivate(contextFor(later))).resolves.toBe(true);
    });

    it('should refuse a request without a bearer token', async () => {
      const req = await packet();
      const err = await refusal({ ...req, headers: {} });
      expect({ status: err.status, code: err.code }).toEqual({ status: 401, code: 'SIGNATURE_INVALID' });
    });

    it('should refuse a body without a string command as a cmd mismatch', async () => {
      const raw = JSON.stringify({ connector: 'x', data: {} });
      const token = await signToken(raw, 'testConnect', { ...signing, now: NOW_S });
      const err = await refusal(request(JSON.parse(raw), Buffer.from(raw), token));
      expect(err.code).toBe('SIGNATURE_INVALID');
      expect(jtis.rows.size).toBe(0);
    });

    it('should answer 413 for a body past 10 MiB before looking at the signature', async () => {
      const err = await refusal(request({}, Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)));
      expect({ status: err.status, code: err.code }).toEqual({ status: 413, code: 'PACKET_TOO_LARGE' });
    });

    it('should answer 400 naming the body when there is no raw JSON body', async () => {
      const err = await refusal(request(undefined, undefined, 'x.y.z'));
      expect({ status: err.status, code: err.code, field: err.field }).toEqual({
        status: 400,
        code: 'MALFORMED_PACKET',
        field: 'body',
      });
    });
  });
});
