export {
  FeatureSchema,
  SCHEMA_V1,
  schemaByHash,
  type FeatureScope,
  type FeatureSpec,
  type FeatureType,
} from './lib/schema';
export {
  dayNumber,
  dayOfWeek,
  pairKey,
  compareRecords,
  checkRecord,
  EMPTY_AGG,
  type PerformanceRecord,
  type RelationFigures,
  type HistoryAgg,
} from './lib/records';
export { fitBetaPrior, smoothed, type BetaPrior, type Priors } from './lib/priors';
export { writeRowV1, ROW_V1_WIDTH, type RowInputs } from './lib/row';
export { TrailingWindow } from './lib/history';
export {
  buildTrainingRows,
  TrainingRowBuilder,
  fitPriors,
  relevanceGrade,
  type TrainingOptions,
  type TrainingRows,
} from './lib/training';
export { KeywordFeatureTable, SearchTermLookups, type KeywordStatic, type TableBuildOptions } from './lib/table';
export { buildServingRows, type ServingCandidate, type ServingContext } from './lib/serving';
