import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { loadTransformersEmbedder, type Embedder } from '@adrank/embeddings';
import { schemaByHash } from '@adrank/features';
import { BundleStore, ModelRegistry, openStore, type ActiveModel } from '@adrank/model-store';
import type { ApiConfig } from './config';
import { ServingModel } from './serving/serving-model';
import { API_CONFIG } from './tokens';
import { ApiError } from './validate';

/** The hot-swap registry of ServingModels (@adrank/model-store): verified loads, smoke ranking, atomic swap. */
@Injectable()
export class ModelsService implements OnApplicationShutdown {
  readonly registry: ModelRegistry<ServingModel>;
  /** Set on SIGTERM: readiness answers 503 so the load balancer stops sending; requests are still served. */
  draining = false;
  private embedder: Promise<Embedder> | undefined;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {
    const s3 = {
      ...(config.AWS_REGION ? { region: config.AWS_REGION } : {}),
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, forcePathStyle: true } : {}),
    };
    this.registry = new ModelRegistry<ServingModel>({
      bundles: new BundleStore(openStore(config.ADRANK_MODEL_STORE, { s3 })),
      cacheDir: config.MODEL_CACHE_DIR,
      acceptSchema: (hash) => schemaByHash(hash) !== undefined,
      load: async (dir, manifest) => {
        const embedder = await this.sharedEmbedder();
        const keywordStateBytes = config.KEYWORD_STATE_CACHE_MB * 1024 * 1024;
        return ServingModel.load(dir, manifest, embedder ? { embedder, keywordStateBytes } : { keywordStateBytes });
      },
      smoke: (m) => m.smokeTest(),
      pollMs: config.MODEL_POLL_MS,
    });
  }

  /** The configured sentence-transformer, loaded once (the lexical embedder is built per bundle: it is free). */
  private sharedEmbedder(): Promise<Embedder> | undefined {
    const spec = this.config.ADRANK_EMBEDDER;
    if (spec === 'lexical') return undefined;
    this.embedder ??= loadTransformersEmbedder({ model: spec.slice('transformers:'.length) });
    return this.embedder;
  }

  /** The active model for one request (a stable snapshot), or 503 with Retry-After before the first load. */
  active(): ActiveModel<ServingModel> {
    const a = this.registry.current();
    if (a === null) throw new ApiError(503, 'no model is loaded yet', { 'retry-after': '5' });
    return a;
  }

  onApplicationShutdown(): void {
    this.registry.stop();
  }
}
