/** Shared value normalisation (see WarehouseQueries): integers to numbers when exact, else strings. */
export function intValue(v: string | bigint | number): number | string {
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : String(v);
}
