// The billing module: what accounts owe (charges by service and period), meters and their readings. Imports
// write charges today; the monthly accrual run (tariffs, norms, penalties) joins later.
export { Charge, Meter, MeterReading, BILLING_ENTITIES, CHARGE_METHODS, CHARGE_SOURCES } from './billing.entity.ts';
export type { ChargeRow, MeterRow, MeterReadingRow, ChargeMethod, ChargeSource } from './billing.entity.ts';
export { accountCharges, CARD_PERIODS } from './charges.ts';
export type { ChargeLine } from './charges.ts';
export {
  parseReading, formatReading, readingFromDb, readingToDb, readingPeriod, checkReading, previousReading, monthsBetween, nextMonth,
  READING_SCALE, UNUSUAL_FACTOR, AVERAGE_MONTHS,
} from './readings.calc.ts';
export type { ReadingPoint, ReadingVerdict } from './readings.calc.ts';
export { readingSheet, saveResidentReading, MAX_METERS } from './readings.ts';
export type { ReadingSheet, MeterForReading, ResidentReading } from './readings.ts';
