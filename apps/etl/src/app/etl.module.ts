import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { openDataLake, openWarehouseFromEnv, type Warehouse, type WarehouseEnv } from '@adrank/warehouse';
import { KeywordsCommand } from './commands/keywords.command';
import { RelatedCommand } from './commands/related.command';
import { ScheduleCommand } from './commands/schedule.command';
import { SyncCommand } from './commands/sync.command';
import type { EtlConfig } from './config';
import { HealthController, LastRunHealthIndicator, WarehouseHealthIndicator } from './health/health';
import { NaverClients } from './naver-clients';
import { ConsoleReporter, type Reporter } from '@adrank/job';
import { DATA_LAKE, ETL_CONFIG, NAVER_CLIENTS, REPORTER, WAREHOUSE } from './tokens';

/** The configured warehouse (the variables were validated at boot by loadConfig). */
export function openWarehouse(cfg: EtlConfig): Promise<Warehouse> {
  return openWarehouseFromEnv({ ...cfg } as unknown as WarehouseEnv);
}

export interface EtlModuleOptions {
  config: EtlConfig;
  /** Defaults: console (TTY progress or JSON lines). */
  reporter?: Reporter;
  /** Serve /health (the long-running `schedule` mode). */
  http?: boolean;
}

/** Wiring only: config, warehouse, data lake, Naver clients, the commands, and health for the long-running mode. */
@Module({})
export class EtlModule {
  static forRoot(options: EtlModuleOptions): DynamicModule {
    const cfg = options.config;
    return {
      module: EtlModule,
      imports: options.http ? [TerminusModule] : [],
      controllers: options.http ? [HealthController] : [],
      providers: [
        { provide: ETL_CONFIG, useValue: cfg },
        { provide: REPORTER, useValue: options.reporter ?? new ConsoleReporter() },
        { provide: WAREHOUSE, useFactory: () => openWarehouse(cfg) },
        {
          provide: DATA_LAKE,
          useFactory: () =>
            openDataLake(cfg.ADRANK_DATA_LAKE, {
              ...(cfg.AWS_REGION ? { region: cfg.AWS_REGION } : {}),
              ...(cfg.S3_ENDPOINT ? { endpoint: cfg.S3_ENDPOINT, forcePathStyle: true } : {}),
            }),
        },
        { provide: NAVER_CLIENTS, useFactory: () => new NaverClients(cfg) },
        SyncCommand,
        KeywordsCommand,
        RelatedCommand,
        ScheduleCommand,
        ...(options.http ? [WarehouseHealthIndicator, LastRunHealthIndicator] : []),
      ],
      exports: [SyncCommand, KeywordsCommand, RelatedCommand, ScheduleCommand, WAREHOUSE],
    };
  }
}
