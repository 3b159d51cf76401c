import { Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { ConnectorStatusesRepository } from '../../open-lines/connectors/connector-statuses.repository.js';
import { LinesRepository } from '../../open-lines/lines/lines.repository.js';
import { OutputError } from '../../output/output.errors.js';
import { OutputService } from '../../output/output.service.js';
import { toConnectorStatusResponse } from '../lines/lines.dto.js';
import type { SetupResponse, SetupStepName, SetupStepResponse } from './connectors.dto.js';

/**
 * The channel wizard's server side: saveSettings, testConnect and register on the connector
 * server, in that order, stopping at the first failure; the outcome becomes the connector's status
 * on the line, so the lines page shows what the wizard saw.
 */
@Injectable()
export class ConnectorSetupService {
  constructor(
    private readonly output: OutputService,
    private readonly lines: LinesRepository,
    private readonly statuses: ConnectorStatusesRepository,
    private readonly clock: Clock,
  ) {}

  async setup(lineId: number, connector: string, params: Record<string, string>): Promise<SetupResponse> {
    await this.requireLine(lineId);
    const remote = this.output.connector(connector, String(lineId));
    const steps: SetupStepResponse[] = [];
    const run = async (step: SetupStepName, call: () => Promise<unknown>): Promise<boolean> => {
      const result = await runStep(step, call);
      steps.push(result);
      return result.ok;
    };
    // Each step only makes sense once the one before it succeeded.
    const ok =
      (await run('saveSettings', () => remote.saveSettings(params))) &&
      (await run('testConnect', () => remote.testConnect())) &&
      (await run('register', () => remote.register()));
    const failed = steps.find((s) => !s.ok);
    const row = await this.statuses.save({
      connector,
      lineId,
      active: ok,
      connection: steps.some((s) => s.step === 'testConnect' && s.ok),
      registered: ok,
      errorReason: failed?.error ? `${failed.step}: ${failed.error.code}: ${failed.error.message}` : null,
      data: JSON.stringify(Object.fromEntries(steps.filter((s) => s.ok).map((s) => [s.step, s.data]))),
      at: this.clock.now(),
    });
    return { ok, steps, status: toConnectorStatusResponse(row) };
  }

  async remove(lineId: number, connector: string): Promise<SetupResponse> {
    await this.requireLine(lineId);
    const step = await runStep('unregister', () =>
      this.output.connector(connector, String(lineId)).unregister(),
    );
    const row = await this.statuses.save({
      connector,
      lineId,
      active: false,
      connection: false,
      registered: false,
      errorReason: step.error ? `unregister: ${step.error.code}: ${step.error.message}` : null,
      data: JSON.stringify(step.ok ? { unregister: step.data } : {}),
      at: this.clock.now(),
    });
    return { ok: step.ok, steps: [step], status: toConnectorStatusResponse(row) };
  }

  private async requireLine(lineId: number): Promise<void> {
    if (!(await this.lines.findById(lineId))) throw new NotFoundException(`line ${lineId} does not exist`);
  }
}

async function runStep(step: SetupStepName, call: () => Promise<unknown>): Promise<SetupStepResponse> {
  try {
    return { step, ok: true, data: (await call()) ?? null, error: null };
  } catch (err) {
    // Anything but an OutputError is a fault of the portal itself, not an answer to show.
    if (!(err instanceof OutputError)) throw err;
    const first = err.errors[0];
    return {
      step,
      ok: false,
      data: null,
      error: { code: err.code, message: first?.message ?? err.message },
    };
  }
}
