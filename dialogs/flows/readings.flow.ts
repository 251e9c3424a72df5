import {
  checkReading, formatReading, parseReading, previousReading, readingFromDb, readingPeriod, readingSheet, readingToDb, saveResidentReading,
  type ReadingPoint,
} from '../../core/billing/index.ts';
import { translate } from '../../core/shared/index.ts';
import { choose, CHOICE, inputText, NUMBER, option, say, type Flow, type Transition, type Turn } from '../flow.ts';
import type { OutboundIntent } from '../types.ts';
import { currentAccount, NEED_ACCOUNT } from './common.ts';
import { monthName } from './debt.flow.ts';

/** A meter as the dialog keeps it between turns: readings as numeric(16,4) text (JSON has no bigint). */
type KeptMeter = { id: string; number: string; service: string | null; unit: string | null; history: [string, string][] };
type Kept = {
  accountId: string; period: string; today: string; i: number; meters: KeptMeter[];
  /** [meter index, value] of what was saved in this dialog. */
  saved: [number, string][];
  /** A value above the usual consumption, waiting for the resident's «yes». */
  pending?: string;
};

const kept = (turn: Turn): Kept => turn.data as unknown as Kept;
const historyOf = (m: KeptMeter): ReadingPoint[] => m.history.map(([period, value]) => ({ period, value: readingFromDb(value) }));
const shown = (turn: Turn, value: bigint): string => formatReading(value, turn.locale === 'en' ? '.' : ',');
/** « м³» with its space, or nothing for a meter of no service (texts put it right after the value). */
const unitOf = (m: KeptMeter): string => (m.unit ? ` ${m.unit}` : '');
const serviceOf = (turn: Turn, m: KeptMeter): string => m.service ?? translate(turn.locale, 'dialogs.readings.meterNoService');

/** Saves the value for the current meter and moves to the next one. */
async function save(turn: Turn, value: bigint): Promise<Transition> {
  const k = kept(turn);
  const meter = k.meters[k.i]!;
  const previous = previousReading(historyOf(meter), k.period);
  const stored = await saveResidentReading(turn.em, {
    orgId: turn.orgId, accountId: k.accountId, meterId: meter.id, personId: turn.personId, period: k.period,
    value, previousValue: previous?.value ?? null, readAt: k.today, now: turn.now,
  });
  if (!stored) return { say: [say('readings.gone')], to: 'menu' };
  k.saved = [...k.saved.filter(([i]) => i !== k.i), [k.i, readingToDb(value)]];
  k.i += 1;
  delete k.pending;
  return { say: [say('readings.saved', { value: shown(turn, value), unit: unitOf(meter) })], to: 'readings.ask' };
}

/** A typed, spoken or keyed value for the current meter: parsed, checked against its history, saved or questioned. */
async function submit(turn: Turn, text: string): Promise<Transition> {
  const parsed = parseReading(text);
  if (!parsed.ok) return { say: [say('readings.format')], to: 'readings.ask' };
  const k = kept(turn);
  const meter = k.meters[k.i]!;
  const verdict = checkReading(parsed.value, historyOf(meter), k.period);
  switch (verdict.kind) {
    case 'belowLast':
      return { say: [say('readings.belowLast', { last: shown(turn, verdict.previous.value), unit: unitOf(meter) })], to: 'readings.ask' };
    case 'unusual':
      k.pending = readingToDb(parsed.value);
      return { to: 'readings.confirm' };
    case 'ok':
      return save(turn, parsed.value);
  }
}

function meterPrompt(turn: Turn): OutboundIntent[] {
  const k = kept(turn);
  const meter = k.meters[k.i]!;
  const history = historyOf(meter);
  const previous = previousReading(history, k.period);
  const own = history.find((h) => h.period === k.period);
  const vars = { n: k.i + 1, total: k.meters.length, service: serviceOf(turn, meter), number: meter.number, unit: unitOf(meter) };
  const options = [option('r.skip', 'readings.skip'), option('r.stop', 'readings.stop')];
  return [
    ...(own ? [say('readings.already', { period: monthName(k.period, turn.locale), value: shown(turn, own.value), unit: unitOf(meter) })] : []),
    previous
      ? choose('readings.meter', options, { ...vars, last: shown(turn, previous.value), period: monthName(previous.period, turn.locale) })
      : choose('readings.meterFirst', options, vars),
  ];
}

export const readingsFlow: Flow = {
  name: 'readings',
  version: 1,
  start: 'start',
  steps: {
    start: {
      async prompt(turn) {
        const account = await currentAccount(turn);
        if (!account) return NEED_ACCOUNT;
        const sheet = await readingSheet(turn.em, turn.orgId, account.id);
        if (sheet.meters.length === 0) {
          return { intents: [choose('readings.noMeters', [option('r.question', 'readings.askStaff'), option('r.menu', 'back')], { number: account.number })], expect: CHOICE };
        }
        const window = readingPeriod(turn.now, sheet.timeZone, sheet.readingFrom, sheet.readingTo);
        const data: Kept = {
          accountId: account.id, period: window.period, today: window.today, i: 0, saved: [],
          meters: sheet.meters.map((m) => ({ id: m.id, number: m.number, service: m.service, unit: m.unit, history: m.history.map((h) => [h.period, readingToDb(h.value)]) })),
        };
        turn.data = data as unknown as Record<string, unknown>;
        const period = monthName(window.period, turn.locale);
        const intro = window.nextPeriod
          ? say('readings.nextPeriod', { from: sheet.readingFrom ?? 1, to: sheet.readingTo ?? 31, period })
          : say('readings.intro', { period, count: sheet.meters.length });
        return { intents: [intro], then: 'readings.ask' };
      },
      async handle(_turn, input) {
        if (input.kind === 'choice' && input.optionId === 'r.question') return { to: 'question' };
        return { to: 'menu' };
      },
    },
    ask: {
      async prompt(turn) {
        const k = kept(turn);
        if (k.i >= k.meters.length) return { intents: [], then: 'readings.done' };
        return { intents: meterPrompt(turn), expect: NUMBER(16) };
      },
      async handle(turn, input) {
        const k = kept(turn);
        if (input.kind === 'choice') {
          if (input.optionId === 'r.skip') {
            k.i += 1;
            return { to: 'readings.ask' };
          }
          if (input.optionId === 'r.stop') return { to: 'readings.done' };
          return { say: [say('chooseOption')] };
        }
        const text = inputText(input);
        return text ? submit(turn, text) : { say: [say('readings.format')] };
      },
    },
    confirm: {
      async prompt(turn) {
        const k = kept(turn);
        if (!k.pending) return { intents: [], then: 'readings.ask' };
        const meter = k.meters[k.i]!;
        const value = readingFromDb(k.pending);
        const verdict = checkReading(value, historyOf(meter), k.period);
        const vars = verdict.kind === 'unusual'
          ? { consumption: shown(turn, verdict.consumption), average: shown(turn, verdict.averageMonth) } : { consumption: '', average: '' };
        return {
          intents: [choose('readings.unusual', [option('r.yes', 'readings.yes'), option('r.again', 'readings.again')], { ...vars, value: shown(turn, value), unit: unitOf(meter) })],
          expect: CHOICE,
        };
      },
      async handle(turn, input) {
        const k = kept(turn);
        if (input.kind === 'choice' && input.optionId === 'r.yes' && k.pending) return save(turn, readingFromDb(k.pending));
        if (input.kind === 'choice' && input.optionId === 'r.again') {
          delete k.pending;
          return { to: 'readings.ask' };
        }
        // A corrected value typed straight away is an answer too.
        const text = input.kind === 'choice' ? null : inputText(input);
        return text ? submit(turn, text) : { say: [say('chooseOption')] };
      },
    },
    done: {
      async prompt(turn) {
        const k = kept(turn);
        if (k.saved.length === 0) return { intents: [say('readings.nothingSaved')], then: 'menu' };
        const lines = k.saved.map(([i, value]) => {
          const m = k.meters[i]!;
          return translate(turn.locale, 'dialogs.readings.summaryLine', { service: serviceOf(turn, m), number: m.number, value: shown(turn, readingFromDb(value)), unit: unitOf(m) });
        }).join('\n');
        return { intents: [say('readings.summary', { period: monthName(k.period, turn.locale), lines })], then: 'menu' };
      },
    },
  },
};
