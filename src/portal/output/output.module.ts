import { Module } from '@nestjs/common';
import { OutputService } from './output.service.js';

@Module({ providers: [OutputService], exports: [OutputService] })
export class OutputModule {}
