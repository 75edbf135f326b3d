import { Module } from '@nestjs/common';
import { LAKE_READINESS, LakeModule } from '../lake/lake.module';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness.port';

@Module({
  imports: [LakeModule],
  controllers: [HealthController],
  providers: [{ provide: READINESS_CHECKS, inject: [LAKE_READINESS], useFactory: (...checks: ReadinessCheck[]) => checks }],
})
export class HealthModule {}
