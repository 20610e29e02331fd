export { FakeRedshiftDataApi, type FakeRedshiftOptions, type LoggedCall } from './fake-redshift';
