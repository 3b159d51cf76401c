import { Injectable } from '@nestjs/common';
import type { ConnectorOutput } from './output.types.js';

// Placeholder with the final signature; the Output room replaces it.
@Injectable()
export class OutputService {
  connector(connector: string, line: string | null): ConnectorOutput {
    throw new Error(`output is not implemented yet (${connector}, ${String(line)})`);
  }
}
