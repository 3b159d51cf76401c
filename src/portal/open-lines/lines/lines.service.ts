import { Injectable, NotFoundException } from '@nestjs/common';
import type { ConnectorStatus, Line } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { ConnectorStatusesRepository } from '../connectors/connector-statuses.repository.js';
import { LinesRepository } from './lines.repository.js';

@Injectable()
export class LinesService {
  constructor(
    private readonly lines: LinesRepository,
    private readonly statuses: ConnectorStatusesRepository,
    private readonly clock: Clock,
  ) {}

  list(): Promise<Line[]> {
    return this.lines.listAll();
  }

  create(name: string): Promise<Line> {
    return this.lines.create({ name, at: this.clock.now() });
  }

  async connectorsOf(lineId: number): Promise<ConnectorStatus[]> {
    if (!(await this.lines.findById(lineId))) throw new NotFoundException(`line ${lineId} does not exist`);
    return this.statuses.listForLine(lineId);
  }
}
