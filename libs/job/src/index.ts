export {
  ConsoleReporter,
  MemoryReporter,
  etaMs,
  formatDuration,
  type ConsoleReporterOptions,
  type Reporter,
} from './lib/reporter';
export { StepTimer, peakRssMb, writeJsonAtomic, type StepRecord } from './lib/steps';
export { ConfigError, envList, envNumber, loadEnvConfig } from './lib/env-config';
