import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Warehouse } from '@adrank/warehouse';
import { ScheduleCommand } from '../commands/schedule.command';
import { WAREHOUSE } from '../tokens';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref()),
  ]);
}

@Injectable()
export class WarehouseHealthIndicator {
  constructor(
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'warehouse'): Promise<HealthIndicatorResult> {
    const h = this.health.check(key);
    try {
      await withTimeout(this.warehouse.ping(), 3000, 'warehouse ping');
      return h.up({ dialect: this.warehouse.dialect });
    } catch (e) {
      return h.down({ dialect: this.warehouse.dialect, error: (e as Error).message });
    }
  }
}

@Injectable()
export class LastRunHealthIndicator {
  constructor(
    private readonly schedule: ScheduleCommand,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Down only when the last finished run failed: a fresh pod (no run yet) or a run in progress is ready. */
  check(key = 'lastRun'): HealthIndicatorResult {
    const h = this.health.check(key);
    const last = this.schedule.last;
    if (last === null) return h.up({ run: 'none yet' });
    if (last.ok === null) return h.up({ run: 'running', startedAt: last.startedAt });
    const info = {
      startedAt: last.startedAt,
      finishedAt: last.finishedAt,
      failedPartitions: last.failedPartitions.slice(0, 20),
      ...(last.error ? { error: last.error } : {}),
    };
    return last.ok ? h.up({ run: 'succeeded', ...info }) : h.down({ run: 'failed', ...info });
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly warehouse: WarehouseHealthIndicator,
    private readonly lastRun: LastRunHealthIndicator,
  ) {}

  /** The process is alive (no dependencies checked). */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The warehouse answers and the last scheduled run did not fail. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.warehouse.check(), () => this.lastRun.check()]);
  }
}
