import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { JtiRepository } from '../input/jti.repository.js';
import { DeadLetters } from '../queue/dead-letters.service.js';

/** Forgets what is past its window: seen jti values and dead letters beyond the retention. */
@Injectable()
export class Housekeeping {
  private readonly logger = new Logger(Housekeeping.name);

  constructor(
    private readonly jtis: JtiRepository,
    private readonly deadLetters: DeadLetters,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<{ jtis: number; deadLetters: number }> {
    const jtis = await this.jtis.purgeExpired({ now: this.clock.now() });
    const deadLetters = await this.deadLetters.purgeExpired();
    if (deadLetters) this.logger.log(`purged ${deadLetters} dead letter(s) past the retention`);
    return { jtis, deadLetters };
  }
}
