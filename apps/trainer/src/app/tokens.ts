export const TRAINER_CONFIG = Symbol('TRAINER_CONFIG');
export const REPORTER = Symbol('REPORTER');
