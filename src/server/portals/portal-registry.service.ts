import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '../../common/clock.js';
import { generateKeySpec, parseKeyRing, type KeyRing } from '../../protocol/index.js';
import { SecretBox } from '../crypto/secret-box.js';
import { PortalsRepository, type PortalRow } from './portals.repository.js';

/** A refusal of a registry operation, worded for the command line. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

export interface RegisteredPortal {
  id: string;
  baseUrl: string;
  /** The first key signs what the server sends; every key verifies what the portal sends. */
  keys: KeyRing;
}

export interface PortalSummary {
  id: string;
  baseUrl: string;
  /** Key ids in ring order; secrets are never listed. */
  kids: string[];
  createdAt: Date;
  updatedAt: Date;
}

const portalIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/, 'a portal id is 1 to 128 letters, digits, dots, dashes or underscores');
const baseUrlSchema = z
  .url({ protocol: /^https?$/, error: 'the base URL must be an http:// or https:// address' })
  .transform((url) => url.replace(/\/+$/, ''));

function check<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new RegistryError(result.error.issues[0]?.message ?? 'invalid value');
  return result.data;
}

function ringOrThrow(spec: string): KeyRing {
  try {
    return parseKeyRing(spec);
  } catch (err) {
    throw new RegistryError((err as Error).message);
  }
}

/** Portals this server serves, with their OLP key rings (sealed at rest). */
@Injectable()
export class PortalRegistry {
  constructor(
    private readonly portals: PortalsRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** Registers a portal; without a key spec one key is generated. Returns the spec to configure on the portal. */
  async add(opts: { id: string; baseUrl: string; keySpec?: string }): Promise<{ keySpec: string }> {
    const id = check(portalIdSchema, opts.id);
    const baseUrl = check(baseUrlSchema, opts.baseUrl);
    const keySpec = opts.keySpec ?? generateKeySpec();
    ringOrThrow(keySpec);
    const created = await this.portals.create({
      id,
      baseUrl,
      keys: this.seal(id, keySpec),
      now: this.clock.now(),
    });
    if (!created) throw new RegistryError(`portal "${id}" is already registered`);
    return { keySpec };
  }

  async list(): Promise<PortalSummary[]> {
    const rows = await this.portals.list();
    return rows.map((row) => ({
      id: row.id,
      baseUrl: row.baseUrl,
      kids: [...this.ring(row).byKid.keys()],
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  }

  isEmpty(): Promise<boolean> {
    return this.portals.count().then((n) => n === 0);
  }

  /**
   * Rotation without downtime, in two steps. `add`: a new key is appended; it verifies at once
   * while the old first key still signs, so the portal can switch to signing with it. `retire`:
   * every key but the newest is dropped, so the server signs with it too. `replace` sets the
   * ring outright. Returns the resulting ring spec.
   */
  async rotateKeys(opts: {
    id: string;
    mode: 'add' | 'retire' | { replace: string };
  }): Promise<{ keySpec: string; added?: string }> {
    const row = await this.portals.find({ id: opts.id });
    if (!row) throw new RegistryError(`portal "${opts.id}" is not registered`);
    const current = this.box.open(row.keys, this.context(row.id)).split(',');
    let next: string[];
    let added: string | undefined;
    if (opts.mode === 'add') {
      added = generateKeySpec();
      next = [...current, added];
      ringOrThrow(next.join(','));
    } else if (opts.mode === 'retire') {
      next = current.slice(-1);
    } else {
      next = [opts.mode.replace];
      ringOrThrow(opts.mode.replace);
    }
    const keySpec = next.join(',');
    await this.portals.replaceKeys({ id: row.id, keys: this.seal(row.id, keySpec), now: this.clock.now() });
    return { keySpec, added };
  }

  /** Removes a portal and everything queued for it; refuses while items are queued unless forced. */
  async remove(opts: { id: string; force: boolean }): Promise<{ droppedItems: number }> {
    const queued = await this.portals.countQueued({ id: opts.id });
    if (queued > 0 && !opts.force) {
      throw new RegistryError(
        `portal "${opts.id}" still has ${queued} queued item(s); wait for delivery or remove it with --force`,
      );
    }
    if (!(await this.portals.remove({ id: opts.id }))) {
      throw new RegistryError(`portal "${opts.id}" is not registered`);
    }
    return { droppedItems: queued };
  }

  async get(id: string): Promise<RegisteredPortal | undefined> {
    const row = await this.portals.find({ id });
    return row ? { id: row.id, baseUrl: row.baseUrl, keys: this.ring(row) } : undefined;
  }

  private ring(row: PortalRow): KeyRing {
    return parseKeyRing(this.box.open(row.keys, this.context(row.id)));
  }

  private seal(id: string, keySpec: string): string {
    return this.box.seal(keySpec, this.context(id));
  }

  private context(id: string): string {
    return `portal-keys:${id}`;
  }
}
