export { ModelFormatError, NativeLightGbmError, PredictInputError, UnsupportedModelError } from './lib/errors';
export type { LightGbmModel, Objective, Tree } from './lib/model/types';
export { MissingType, missingTypeOf, numFeatures, numIterations } from './lib/model/types';
export { parseModel, parseObjective } from './lib/model/parse';
export { formatDouble, gainImportance, serializeModel, splitImportance } from './lib/model/serialize';
export type { OutputTransform } from './lib/model/objective';
export { SUPPORTED_OBJECTIVES, applyTransform, outputTransform } from './lib/model/objective';
export { ZERO_THRESHOLD, goesLeft, leafIndex, treeDepth } from './lib/predict/decision';
export type { ContribOptions, EngineOptions, Engines, IterationRange, PredictOptions } from './lib/predict/predictor';
export { FeatureGroup, Predictor, StateStore } from './lib/predict/predictor';
export type { LibraryLocation } from './lib/native/library';
export { findLightGbmLibrary } from './lib/native/library';
export type { NativeDatasetInput, NativePredictOptions, PredictTypeName } from './lib/native/native-lightgbm';
export { NativeBooster, NativeDataset, NativeFastRow, NativeLightGbm } from './lib/native/native-lightgbm';
export type { CliIo } from './lib/cli/main';
export { runCli } from './lib/cli/main';
export type { EngineName, IterationInfo, TrainData, TrainOptions, TrainResult } from './lib/train/train';
export { TrainInputError, checkTrainParams, train } from './lib/train/train';
export type { ObjectiveName, ParamValue, TrainParams } from './lib/train/params';
export { TRAIN_OBJECTIVES, TrainParamError, defaultMetric } from './lib/train/params';
export type { MetricName } from './lib/train/metrics';
export {
  auc,
  defaultLabelGain,
  evaluate,
  higherIsBetter,
  l2,
  logloss,
  ndcgAt,
  parseMetric,
  rmse,
} from './lib/train/metrics';
