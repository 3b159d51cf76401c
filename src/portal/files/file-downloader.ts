import type { Readable } from 'node:stream';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import axios, { isAxiosError, type AxiosResponse } from 'axios';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import type { OlpFile } from '../../protocol/index.js';
import { PortalConfig } from '../config.js';
import { parseAddressAllowList } from './address-allow-list.js';
import { FileStore, FileTooLargeError, type StoredContent } from './file-store.js';

export type DownloadFailureKind =
  | 'invalid_url'
  | 'invalid_header'
  | 'blocked'
  | 'too_large'
  | 'http_status'
  | 'too_many_redirects'
  | 'timeout'
  | 'network';

/** Why a download failed, and whether trying again could help. */
export class FileDownloadError extends Error {
  constructor(
    message: string,
    readonly kind: DownloadFailureKind,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FileDownloadError';
  }
}

export interface FetchedContent extends StoredContent {
  /** Content-Type the server answered with, if any. */
  contentType: string | null;
}

const MAX_REDIRECTS = 5;
const USER_AGENT = 'Switchboard-Portal/1 (file fetcher)';
// The filtering agent reports refused addresses only through its error text.
const FILTER_REFUSAL = /is not allowed\. Because/;

/**
 * Fetches a channel file over HTTP(S) into the file store, defending the portal against SSRF:
 * every connection (the first and each redirect hop) goes through request-filtering-agent, which
 * refuses loopback, private, link-local, reserved and meta addresses after DNS resolution unless
 * FILE_ALLOW_HOSTS lists them; environment proxies are ignored; size is capped while streaming.
 */
@Injectable()
export class FileDownloader implements OnModuleDestroy {
  private readonly httpAgent: RequestFilteringHttpAgent;
  private readonly httpsAgent: RequestFilteringHttpsAgent;
  private readonly limits: PortalConfig['files'];

  constructor(
    config: PortalConfig,
    private readonly store: FileStore,
  ) {
    this.limits = config.files;
    const filter = { allowIPAddressList: parseAddressAllowList(config.files.allowHosts), keepAlive: false };
    this.httpAgent = new RequestFilteringHttpAgent(filter);
    this.httpsAgent = new RequestFilteringHttpsAgent(filter);
  }

  /** One attempt: throws FileDownloadError on any failure, leaving nothing stored. */
  async fetch(file: OlpFile): Promise<FetchedContent> {
    const url = parseHttpUrl(file.url);
    const headers = { 'User-Agent': USER_AGENT, Accept: '*/*', ...requestHeaders(file) };
    const controller = new AbortController();
    let timedOut = false;
    // Covers DNS, connect, TLS, every redirect hop and the wait for response headers.
    const connectTimer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.limits.connectTimeoutMs);
    let response: AxiosResponse<Readable>;
    try {
      response = await axios.get<Readable>(url, {
        responseType: 'stream',
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        proxy: false,
        maxRedirects: MAX_REDIRECTS,
        signal: controller.signal,
        validateStatus: () => true,
        headers,
      });
    } catch (err) {
      throw toDownloadError(err, timedOut ? 'connect' : null);
    } finally {
      clearTimeout(connectTimer);
    }
    const body = response.data;
    try {
      checkResponse(response, this.limits.maxBytes);
      let idle = false;
      const guarded = withIdleTimeout(body, this.limits.readTimeoutMs, () => {
        idle = true;
        body.destroy(new Error('read timed out'));
      });
      try {
        const stored = await this.store.put(guarded, this.limits.maxBytes);
        const contentType = response.headers['content-type'];
        return { ...stored, contentType: typeof contentType === 'string' ? contentType : null };
      } catch (err) {
        throw toDownloadError(err, idle ? 'read' : null);
      }
    } catch (err) {
      // Whatever failed, stop the transfer now rather than draining it.
      body.destroy();
      controller.abort();
      throw err;
    }
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function parseHttpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FileDownloadError('not a valid URL', 'invalid_url', false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FileDownloadError(`unsupported scheme ${url.protocol}`, 'invalid_url', false);
  }
  return url.href;
}

const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex
const BAD_HEADER_VALUE = /[\r\n\u0000]/;
/** Framing headers are ours to set; a channel's value for them could only break the transfer. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/** The file's own headers (an API token, a cookie), refused whole if any could split the request. */
function requestHeaders(file: OlpFile): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { name, value } of file.headers ?? []) {
    if (!HTTP_TOKEN.test(name) || BAD_HEADER_VALUE.test(value)) {
      throw new FileDownloadError(`invalid request header ${JSON.stringify(name)}`, 'invalid_header', false);
    }
    if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  return headers;
}

function checkResponse(response: AxiosResponse<Readable>, maxBytes: number): void {
  const { status } = response;
  if (status < 200 || status > 299) {
    // A server fault or rate limit may pass; other statuses will answer the same next time.
    const retryable = status >= 500 || status === 408 || status === 429;
    throw new FileDownloadError(`server answered HTTP ${status}`, 'http_status', retryable);
  }
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new FileDownloadError(
      `file is larger than the allowed ${maxBytes} bytes (${declared} announced)`,
      'too_large',
      false,
    );
  }
}

async function* withIdleTimeout(source: Readable, ms: number, onIdle: () => void): AsyncGenerator<Buffer> {
  const timer = setTimeout(onIdle, ms);
  try {
    for await (const chunk of source) {
      timer.refresh();
      yield chunk as Buffer;
    }
  } finally {
    clearTimeout(timer);
  }
}

function toDownloadError(err: unknown, timedOut: 'connect' | 'read' | null): FileDownloadError {
  if (err instanceof FileDownloadError) return err;
  if (timedOut === 'connect') {
    return new FileDownloadError('no response in time', 'timeout', true, { cause: err });
  }
  if (timedOut === 'read') {
    return new FileDownloadError('the transfer stalled', 'timeout', true, { cause: err });
  }
  if (err instanceof FileTooLargeError) {
    return new FileDownloadError(err.message, 'too_large', false, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (FILTER_REFUSAL.test(message)) {
    return new FileDownloadError(
      'the address is not allowed (private or reserved network)',
      'blocked',
      false,
      {
        cause: err,
      },
    );
  }
  if (isAxiosError(err) && err.code === 'ERR_FR_TOO_MANY_REDIRECTS') {
    return new FileDownloadError(`more than ${MAX_REDIRECTS} redirects`, 'too_many_redirects', false, {
      cause: err,
    });
  }
  return new FileDownloadError(`network error: ${message}`, 'network', true, { cause: err });
}
