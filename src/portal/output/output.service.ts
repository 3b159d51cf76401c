import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { isFireAndForget } from '../../protocol/index.js';
import { PortalConfig } from '../config.js';
import { encodeEnvelope, OlpHttpClient } from './olp-http.client.js';
import { dataOrThrow } from './olp-reply.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxWorker } from './outbox.worker.js';
import { OutgoingProcessorRegistry } from './outgoing-processor.registry.js';
import { TtlCache } from './output.cache.js';
import type { ConnectorOutput, OutputCallOptions, QueuedCall, RemoteMethod } from './output.types.js';

/**
 * Property names that JavaScript or common tooling probe on any object: `then` (await and
 * Promise.resolve take anything with a callable `then` for a promise), `toJSON` (JSON.stringify),
 * `toString`/`valueOf` (coercion), `constructor`, `asymmetricMatch` (Jest's equality). None is an
 * OLP method; answering them with a remote call would send calls nobody made.
 */
const NOT_METHODS = new Set([
  'then',
  'catch',
  'finally',
  'toJSON',
  'toString',
  'valueOf',
  'constructor',
  'asymmetricMatch',
]);

/** Read-only methods whose answers are cached for config.output.cacheTtlMs. */
const CACHED_METHODS = new Set(['listConnector', 'infoConnectorsLine']);
/** Methods whose outgoing items pass the connector's OutgoingProcessors before they are queued. */
const PROCESSED_METHODS = new Set(['sendMessage', 'updateMessage', 'deleteMessage']);

const MAX_COMMAND_LENGTH = 64;
const MAX_CONNECTOR_LENGTH = 128;
const MAX_LINE_LENGTH = 64;
const MAX_KEY_LENGTH = 256;

/**
 * The portal's client of the connector server: `output.connector(id, line).anyMethod(...args)`
 * sends `{command: 'anyMethod', connector, line, data: args}` as a signed OLP/1 call. Fire-and-forget
 * methods are stored in the outbox and resolve with a QueuedCall; the others resolve with the
 * answer's `data` or reject with an OutputError. Portal-wide methods go to connector ALL_CONNECTORS.
 */
@Injectable()
export class OutputService {
  private readonly cache: TtlCache;

  constructor(
    config: PortalConfig,
    private readonly clock: Clock,
    private readonly client: OlpHttpClient,
    private readonly outbox: OutboxRepository,
    private readonly worker: OutboxWorker,
    private readonly processors: OutgoingProcessorRegistry,
  ) {
    this.cache = new TtlCache(clock, config.output.cacheTtlMs);
  }

  /**
   * The remote methods of one connector on one line. `options.key` makes fire-and-forget calls
   * idempotent (see OutputCallOptions); options never become method names.
   */
  connector(connector: string, line: string | null, options: OutputCallOptions = {}): ConnectorOutput {
    if (typeof connector !== 'string' || connector.length === 0 || connector.length > MAX_CONNECTOR_LENGTH) {
      throw new TypeError(`connector must be a string of 1 to ${MAX_CONNECTOR_LENGTH} characters`);
    }
    if (line !== null && (typeof line !== 'string' || line.length > MAX_LINE_LENGTH)) {
      throw new TypeError(`line must be null or a string of at most ${MAX_LINE_LENGTH} characters`);
    }
    const key = options.key;
    if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH)) {
      throw new TypeError(`options.key must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
    }
    const target: ConnectorOutput = Object.create(null) as ConnectorOutput;
    return new Proxy(target, {
      get: (_target, name) => {
        if (typeof name === 'symbol' || NOT_METHODS.has(name)) return undefined;
        return this.method(name, connector, line, key);
      },
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
  }

  /** Forgets every cached answer (for example after changing a connector's settings elsewhere). */
  clearCache(): void {
    this.cache.clear();
  }

  private method(
    name: string,
    connector: string,
    line: string | null,
    key: string | undefined,
  ): RemoteMethod {
    if (name.length > MAX_COMMAND_LENGTH) {
      return () => Promise.reject(new TypeError(`"${name.slice(0, 80)}…" is not a valid OLP command name`));
    }
    if (CACHED_METHODS.has(name)) {
      return (...args) =>
        this.cache.getOrLoad(JSON.stringify([name, connector, line, args]), () =>
          this.request(name, connector, line, args),
        );
    }
    if (PROCESSED_METHODS.has(name))
      return (...args) => this.processAndQueue(name, connector, line, args, key);
    if (isFireAndForget(name)) return (...args) => this.queue(name, connector, line, args, key);
    return async (...args) => {
      const data = await this.request(name, connector, line, args);
      // Any other request/response method may change what the cached reads would answer.
      this.cache.clear();
      return data;
    };
  }

  private async request(
    command: string,
    connector: string,
    line: string | null,
    args: unknown[],
  ): Promise<unknown> {
    const answer = await this.client.post({ command, connector, line, data: args });
    return dataOrThrow(command, answer);
  }

  private async processAndQueue(
    command: string,
    connector: string,
    line: string | null,
    args: unknown[],
    key: string | undefined,
  ): Promise<QueuedCall> {
    const [items, ...rest] = args;
    if (!Array.isArray(items)) {
      throw new TypeError(`${command} takes the list of outgoing items as its first argument`);
    }
    // A repeated idempotent call is answered before the processors run again.
    const dedupeKey = dedupeKeyOf(connector, line, command, key);
    const existing = dedupeKey === null ? undefined : await this.outbox.findByDedupeKey(dedupeKey);
    if (existing) return { queued: true, outboxId: existing.id, duplicate: true };
    let processed: unknown[] = items;
    for (const processor of this.processors.for(connector)) {
      processed = await processor.process({ connector, line, method: command }, processed);
    }
    return this.queue(command, connector, line, [processed, ...rest], key);
  }

  private async queue(
    command: string,
    connector: string,
    line: string | null,
    args: unknown[],
    key: string | undefined,
  ): Promise<QueuedCall> {
    // Refuses now what the server could only refuse later (too large, not serializable).
    encodeEnvelope({ command, connector, line, data: args });
    const { id, duplicate } = await this.outbox.enqueue({
      connector,
      line,
      method: command,
      data: JSON.stringify(args),
      dedupeKey: dedupeKeyOf(connector, line, command, key),
      now: this.clock.now(),
    });
    if (duplicate) return { queued: true, outboxId: id, duplicate: true };
    this.worker.notify();
    return { queued: true, outboxId: id };
  }
}

function dedupeKeyOf(
  connector: string,
  line: string | null,
  method: string,
  key: string | undefined,
): string | null {
  return key === undefined ? null : JSON.stringify([connector, line, method, key]);
}
