import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ServerConfig } from '../config.js';
import { PortalRegistry } from './portal-registry.service.js';

/**
 * The single-machine start: with an empty registry the configured portal (by default the local
 * one, sharing the kept development keys) is registered, so both processes talk without setup.
 */
@Injectable()
export class DefaultPortalRegistration implements OnApplicationBootstrap {
  private readonly logger = new Logger(DefaultPortalRegistration.name);

  constructor(
    private readonly config: ServerConfig,
    private readonly registry: PortalRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const portal = this.config.defaultPortal;
    if (!portal || !(await this.registry.isEmpty())) return;
    try {
      await this.registry.add({ id: portal.id, baseUrl: portal.baseUrl, keySpec: portal.keySpec() });
    } catch (err) {
      // Another process of this server registered it at the same moment.
      if (await this.registry.get(portal.id)) return;
      throw err;
    }
    this.logger.log(`registered the default portal "${portal.id}" at ${portal.baseUrl}`);
  }
}
