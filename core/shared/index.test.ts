import { describe, expect, it } from 'vitest';
import * as allocateCalc from './allocate.calc.ts';
import * as appError from './app-error.ts';
import * as applyRateCalc from './apply-rate.calc.ts';
import * as businessDayCalc from './business-day.calc.ts';
import * as clock from './clock.ts';
import * as errorCodes from './error-codes.ts';
import * as i18n from './i18n.ts';
import * as ids from './ids.ts';
import * as shared from './index.ts';
import * as kopecks from './kopecks.ts';
import * as moneyFormat from './money-format.ts';
import * as result from './result.ts';

const modules = { allocateCalc, appError, applyRateCalc, businessDayCalc, clock, errorCodes, i18n, ids, kopecks, moneyFormat, result };

describe('core/shared index', () => {
  it.each(Object.entries(modules))('re-exports every value that %s exports, as the same value', (_, module) => {
    for (const [name, value] of Object.entries(module)) {
      expect(shared, `index.ts lacks ${name}`).toHaveProperty(name);
      expect((shared as Record<string, unknown>)[name]).toBe(value);
    }
  });
});
