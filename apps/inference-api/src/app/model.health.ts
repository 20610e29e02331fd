import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ModelsService } from './models.service';

/**
 * Terminus indicator for `/health/ready`: up while a verified bundle is active and the process is not shutting down,
 * with the registry's status (active version, loads, last failure) in either case.
 */
@Injectable()
export class ModelHealthIndicator {
  constructor(
    @Inject(ModelsService) private readonly models: ModelsService,
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'model'): HealthIndicatorResult {
    const h = this.health.check(key);
    const s = this.models.registry.status();
    if (this.models.draining) return h.down({ ...s, reason: 'shutting down' });
    if (!s.ready) return h.down({ ...s, reason: 'no verified model bundle is active' });
    return h.up({ ...s });
  }
}
