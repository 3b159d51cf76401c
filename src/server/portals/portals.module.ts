import { Module } from '@nestjs/common';
import { PortalRegistry } from './portal-registry.service.js';
import { PortalsRepository } from './portals.repository.js';

@Module({ providers: [PortalsRepository, PortalRegistry], exports: [PortalRegistry] })
export class PortalsModule {}
