export {
  WarehouseError,
  identifier,
  tsvField,
  type Warehouse,
  type WarehouseQueries,
  type WarehouseErrorCode,
  type SqlParams,
  type SqlValue,
  type Row,
  type LoadOptions,
  type InsertFromFileOptions,
} from './lib/types';
export { DuckDbWarehouse } from './lib/duckdb';
export { RedshiftDataWarehouse, type RedshiftDataOptions } from './lib/redshift';
export {
  MIGRATIONS,
  FACT_TABLES,
  TABLE_COLUMNS,
  runMigrations,
  type Migration,
  type FactTable,
} from './lib/migrations';
export { parseNamed } from './lib/params';
export { LocalDataLake, S3DataLake, openDataLake, type DataLake } from './lib/lake';
export { openWarehouseFromEnv, warehouseEnvProblems, type WarehouseEnv } from './lib/from-env';
