export const ETL_CONFIG = Symbol('ETL_CONFIG');
export const WAREHOUSE = Symbol('WAREHOUSE');
export const DATA_LAKE = Symbol('DATA_LAKE');
export const NAVER_CLIENTS = Symbol('NAVER_CLIENTS');
export const REPORTER = Symbol('REPORTER');
