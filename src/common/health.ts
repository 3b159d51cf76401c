import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

/** What GET /health asks of a process's database service. */
export interface DatabaseHealth {
  readonly provider: string;
  ping(): Promise<boolean>;
}

/** Token under which each process's storage module offers its DatabaseHealth. */
export const DATABASE_HEALTH = Symbol('DATABASE_HEALTH');

/** True when the database answers a trivial query. */
export async function pingDatabase(client: {
  $queryRawUnsafe(sql: string): Promise<unknown>;
}): Promise<boolean> {
  try {
    await client.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** GET /health of both processes: up, and the database reachable. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(DATABASE_HEALTH) private readonly db: DatabaseHealth) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness and database reachability' })
  async health(): Promise<{ status: 'ok'; database: string }> {
    if (!(await this.db.ping()))
      throw new ServiceUnavailableException({ status: 'error', database: 'unreachable' });
    return { status: 'ok', database: this.db.provider };
  }
}
