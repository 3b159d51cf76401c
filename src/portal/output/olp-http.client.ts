import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';
import { Clock } from '../../common/clock.js';
import { MAX_BODY_BYTES, signPacket } from '../../protocol/index.js';
import { PortalConfig } from '../config.js';
import { CONNECT_TIMEOUT_CODE, ConnectTimeoutHttpAgent, ConnectTimeoutHttpsAgent } from './olp-agents.js';
import { type OlpAnswer, parseReply, parseRetryAfter } from './olp-reply.js';
import { OutputError } from './output.errors.js';

/** One portal-to-server call as it goes on the wire; `data` is the positional argument list. */
export interface OutgoingEnvelope {
  command: string;
  connector: string;
  line: string | null;
  data: unknown[];
}

/** The exact body bytes of a call; refuses what the server would answer with 413. */
export function encodeEnvelope(envelope: OutgoingEnvelope): Buffer {
  const body = Buffer.from(JSON.stringify(envelope), 'utf8');
  if (body.length > MAX_BODY_BYTES) {
    throw new OutputError(envelope.command, [
      { code: 'PACKET_TOO_LARGE', message: `the call is ${body.length} bytes; at most ${MAX_BODY_BYTES}` },
    ]);
  }
  return body;
}

/**
 * The portal's one HTTP client for OLP: signs each call over the exact body bytes it sends and
 * returns the server's answer whatever its status; only a missing answer throws (OutputError with
 * UNREACHABLE, TIMEOUT, MALFORMED_REPLY or ABORTED).
 *
 * Timeouts: a new connection (TCP and TLS handshake) must be up within output.connectTimeoutMs,
 * enforced by the agents on the socket; axios' `timeout` is a wall-clock limit on the whole
 * exchange, set to connect + read so that the read phase always gets at least readTimeoutMs.
 */
@Injectable()
export class OlpHttpClient implements OnApplicationShutdown {
  private readonly http: AxiosInstance;
  private readonly httpAgent: ConnectTimeoutHttpAgent;
  private readonly httpsAgent: ConnectTimeoutHttpsAgent;
  private readonly url: string;

  constructor(
    private readonly config: PortalConfig,
    private readonly clock: Clock,
  ) {
    const { connectTimeoutMs, readTimeoutMs } = config.output;
    this.url = `${config.serverUrl}/olp/v1/portal`;
    this.httpAgent = new ConnectTimeoutHttpAgent(connectTimeoutMs);
    this.httpsAgent = new ConnectTimeoutHttpsAgent(connectTimeoutMs);
    this.http = axios.create({
      timeout: connectTimeoutMs + readTimeoutMs,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // The server is addressed directly: environment proxies would bypass our agents.
      proxy: false,
      // A signed call goes to one URL only; a redirect is a misconfiguration, not a place to resend it.
      maxRedirects: 0,
      maxContentLength: MAX_BODY_BYTES,
      responseType: 'text',
      // The body is sent and read as raw text: signed bytes must not be re-serialized.
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // Keeps axios' own timeout as ECONNABORTED, apart from the kernel's ETIMEDOUT (unreachable).
      transitional: { clarifyTimeoutError: false },
      headers: { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json' },
    });
  }

  async post(envelope: OutgoingEnvelope, opts: { signal?: AbortSignal } = {}): Promise<OlpAnswer> {
    const body = encodeEnvelope(envelope);
    const token = await signPacket({
      iss: this.config.portalId,
      aud: this.config.serverId,
      command: envelope.command,
      rawBody: body,
      keys: this.config.olpKeys,
      now: Math.floor(this.clock.nowMs() / 1000),
    });
    try {
      const res = await this.http.post<string>(this.url, body, {
        headers: { Authorization: `Bearer ${token}` },
        signal: opts.signal,
      });
      return {
        status: res.status,
        reply: parseReply(typeof res.data === 'string' ? res.data : ''),
        retryAfterMs: parseRetryAfter(res.headers['retry-after'], this.clock.nowMs()),
      };
    } catch (err) {
      throw transportError(envelope.command, err);
    }
  }

  // After onModuleDestroy, so that the outbox worker has cancelled and recorded its calls first.
  onApplicationShutdown(): void {
    this.close();
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function transportError(command: string, err: unknown): OutputError {
  const code = axios.isAxiosError(err) ? err.code : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  if (axios.isCancel(err) || code === 'ERR_CANCELED') {
    return OutputError.local(command, 'ABORTED', 'the call was cancelled', err);
  }
  if (code === 'ECONNABORTED') {
    return OutputError.local(command, 'TIMEOUT', `no answer in time: ${detail}`, err);
  }
  if (code === CONNECT_TIMEOUT_CODE) {
    return OutputError.local(command, 'UNREACHABLE', `connect timeout: ${detail}`, err);
  }
  if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') {
    return OutputError.local(command, 'MALFORMED_REPLY', detail, err);
  }
  return OutputError.local(command, 'UNREACHABLE', code ? `${code}: ${detail}` : detail, err);
}
