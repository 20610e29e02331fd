export {
  FileSystemStore,
  S3Store,
  StoreError,
  openStore,
  checkKey,
  type ArtifactStore,
  type ObjectInfo,
  type PutOptions,
  type S3StoreOptions,
  type StoreErrorCode,
} from './lib/store';
export {
  manifestProblems,
  parseManifest,
  parsePointer,
  newVersion,
  ManifestError,
  BUNDLE_MODEL_FILES,
  type BundleModelName,
  type BundleManifest,
  type LatestPointer,
} from './lib/manifest';
export {
  BundleStore,
  BundleError,
  sha256File,
  POINTER,
  MIRROR,
  MANIFEST,
  type ManifestInput,
  type ResolvedBundle,
  type VersionInfo,
} from './lib/bundles';
export { ModelRegistry, type ActiveModel, type RegistryOptions, type RegistryStatus } from './lib/registry';
