import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export type Route = (res: ServerResponse, seen: SeenRequest) => unknown;

/** A small real HTTP server for download tests: fixed routes, and a log of every request it saw. */
export class StandInServer {
  readonly seen: SeenRequest[] = [];
  private readonly server: Server;
  private port = 0;

  private constructor(
    private readonly host: string,
    private readonly routes: Record<string, Route>,
  ) {
    this.server = createServer((req, res) => {
      const seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
      this.seen.push(seen);
      const route = this.routes[seen.path];
      if (!route) {
        res.statusCode = 404;
        res.end('no such route');
        return;
      }
      void Promise.resolve(route(res, seen)).catch(() => res.destroy());
    });
  }

  /** Listens on `host` ('::' accepts IPv4, IPv4-mapped and IPv6 loopback alike). */
  static async start(host: string, routes: Record<string, Route> = {}): Promise<StandInServer> {
    const s = new StandInServer(host, routes);
    await new Promise<void>((resolve) => s.server.listen(0, host, resolve));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  get portNumber(): number {
    return this.port;
  }

  url(path: string, host = this.host): string {
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}${path}`;
  }

  route(path: string, route: Route): void {
    this.routes[path] = route;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
