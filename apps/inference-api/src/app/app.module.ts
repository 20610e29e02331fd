import { Module, type DynamicModule } from '@nestjs/common';
import { ApiController } from './api.controller';
import type { ApiConfig } from './config';
import { MetricsService } from './metrics.service';
import { ModelsService } from './models.service';
import { PlaygroundController } from './playground/playground.controller';
import { ProtocolsController } from './protocols.controller';
import { API_CONFIG } from './tokens';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [ApiController, ProtocolsController, PlaygroundController],
      providers: [{ provide: API_CONFIG, useValue: config }, ModelsService, MetricsService],
    };
  }
}
