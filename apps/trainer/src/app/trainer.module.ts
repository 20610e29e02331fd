import { Module, type DynamicModule } from '@nestjs/common';
import { ConsoleReporter, type Reporter } from '@adrank/job';
import type { TrainerConfig } from './config';
import { TrainCommand } from './train.command';
import { REPORTER, TRAINER_CONFIG } from './tokens';

export interface TrainerModuleOptions {
  config: TrainerConfig;
  /** Default: console — progress bars on a TTY, JSON lines otherwise (TRAINER_LOG_FORMAT forces one). */
  reporter?: Reporter;
}

/** Wiring only: the validated config, the reporter, the command (which composes the steps). */
@Module({})
export class TrainerModule {
  static forRoot(options: TrainerModuleOptions): DynamicModule {
    const cfg = options.config;
    const format = cfg.TRAINER_LOG_FORMAT === 'auto' ? {} : { format: cfg.TRAINER_LOG_FORMAT };
    return {
      module: TrainerModule,
      providers: [
        { provide: TRAINER_CONFIG, useValue: cfg },
        { provide: REPORTER, useValue: options.reporter ?? new ConsoleReporter(format) },
        TrainCommand,
      ],
      exports: [TrainCommand],
    };
  }
}
