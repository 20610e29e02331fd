import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ApiController } from './api.controller';
import type { ApiConfig } from './config';
import { MetricsService } from './metrics.service';
import { ModelHealthIndicator } from './model.health';
import { ModelsService } from './models.service';
import { PlaygroundController } from './playground/playground.controller';
import { ProtocolsController } from './protocols.controller';
import { API_CONFIG } from './tokens';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [ApiController, ProtocolsController, PlaygroundController],
      providers: [{ provide: API_CONFIG, useValue: config }, ModelsService, MetricsService, ModelHealthIndicator],
    };
  }
}
