import { Module } from '@nestjs/common';
import { LineSettings } from './line-settings.service.js';
import { LinesRepository } from './lines.repository.js';

@Module({ providers: [LinesRepository, LineSettings], exports: [LinesRepository, LineSettings] })
export class LinesModule {}
