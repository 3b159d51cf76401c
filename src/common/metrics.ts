import { timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Header,
  Headers,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Gauge, Registry } from 'prom-client';

/**
 * The Prometheus registry of one process. Each app instance has its own (not prom-client's global
 * one), so two apps in one test process, or a restarted one, never register a metric twice.
 * Metrics join it from where their numbers live, e.g. `metrics.gauge(...)` in a provider.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  /** A gauge read when scraped: `read` runs on each GET /metrics. */
  gauge(opts: { name: string; help: string; read: () => Promise<number> }): Gauge {
    const { read } = opts;
    return new Gauge({
      name: opts.name,
      help: opts.help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }
}

/** Token under which a process may give the bearer token that GET /metrics then requires. */
export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

/** GET /metrics in Prometheus text format; behind `Authorization: Bearer <METRICS_TOKEN>` when one is set. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Optional() @Inject(METRICS_TOKEN) private readonly token?: string,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.token && !sameText(authorization ?? '', `Bearer ${this.token}`))
      throw new UnauthorizedException('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    return this.metrics.registry.metrics();
  }
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
