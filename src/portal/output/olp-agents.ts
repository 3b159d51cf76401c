import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

/** `code` of the error a socket is destroyed with when it does not connect in time. */
export const CONNECT_TIMEOUT_CODE = 'OLP_CONNECT_TIMEOUT';

/**
 * Idle keep-alive sockets are dropped after this long, below the 5 s keep-alive timeout of Node
 * servers, so that a request is rarely written onto a socket the server is just closing.
 */
const FREE_SOCKET_TIMEOUT_MS = 4_000;

/**
 * Destroys a new socket that has not finished connecting (TCP, and for TLS the handshake too)
 * within `ms`. Axios' `timeout` covers the whole exchange; this is the separate connect budget.
 */
function guardConnect(
  socket: Duplex | null | undefined,
  ms: number,
  ready: 'connect' | 'secureConnect',
): void {
  if (!socket) return;
  const timer = setTimeout(() => {
    const err = Object.assign(new Error(`no connection within ${ms} ms`), { code: CONNECT_TIMEOUT_CODE });
    socket.destroy(err);
  }, ms);
  const clear = () => clearTimeout(timer);
  socket.once(ready, clear);
  socket.once('close', clear);
}

const keepAlive: http.AgentOptions = {
  keepAlive: true,
  keepAliveMsecs: 1_000,
  maxSockets: 32,
  maxFreeSockets: 8,
  timeout: FREE_SOCKET_TIMEOUT_MS,
  scheduling: 'lifo',
};

/** Keep-alive HTTP agent whose new connections must be up within connectTimeoutMs. */
export class ConnectTimeoutHttpAgent extends http.Agent {
  constructor(private readonly connectTimeoutMs: number) {
    super(keepAlive);
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    guardConnect(socket, this.connectTimeoutMs, 'connect');
    return socket;
  }
}

/**
 * Keep-alive HTTPS agent with the same connect budget (including the TLS handshake).
 * Certificates are always verified: rejectUnauthorized stays at Node's default (true); a private
 * CA is added with NODE_EXTRA_CA_CERTS, never by turning verification off.
 */
export class ConnectTimeoutHttpsAgent extends https.Agent {
  constructor(private readonly connectTimeoutMs: number) {
    super({ ...keepAlive, rejectUnauthorized: true });
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    guardConnect(socket, this.connectTimeoutMs, 'secureConnect');
    return socket;
  }
}
