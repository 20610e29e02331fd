export {
  FakeNaverServer,
  DEFAULT_FAKE_ACCOUNT,
  shiftDate,
  type FakeAccount,
  type FakeData,
  type Fault,
  type ReportBehaviour,
  type LoggedRequest,
  type FakeNaverOptions,
} from './fake-server';
export { buildFakeData, type FakeDataOptions } from './data';
export { adDetailRow, adRow, adConversionDetailRow, adConversionRow, toTsv, toTsvLine } from './builders';
export { FIXTURES_DIR } from './fixtures';
