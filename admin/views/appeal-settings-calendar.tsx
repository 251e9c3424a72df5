import { CALENDAR_DAY_KINDS, formatClock, type CalendarRow, type WorkingWeek } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { Field, PostButton, Select } from './components.tsx';
import { Checkbox, FormCard, SettingsShell, formState, pagePath, type SettingsPageProps } from './appeal-settings.tsx';

const CALENDAR = pagePath('calendar');
export const WEEK_FIELDS = [0, 1, 2, 3, 4, 5, 6].flatMap((d) => [`day${d}.start`, `day${d}.end`, `day${d}.off`]);

type CalendarProps = SettingsPageProps & {
  week: WorkingWeek; weekIsDefault: boolean; timeZone: string; year: number; years: readonly number[]; rows: readonly CalendarRow[];
};

const kindLabel = (t: T, kind: string | null) => t(`appealSettings.calendar.kinds.${kind ?? 'ordinary'}`);

/** «1 января 2026, чт»: the date as people read it, without the zone shifting it (a date is already local). */
function formatDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'ru-RU', { day: 'numeric', month: 'long', year: 'numeric', weekday: 'short', timeZone: 'UTC' })
    .format(new Date(`${date}T00:00:00Z`));
}

function WeekForm({ p }: { p: CalendarProps }) {
  const { t } = p;
  const { errors, values } = formState(p.failed, 'week');
  const stored = (d: number, part: 'start' | 'end' | 'off') => {
    const hours = p.week[d];
    if (part === 'off') return hours ? '' : '1';
    return hours ? formatClock(part === 'start' ? hours[0] : hours[1]) : '';
  };
  const value = (d: number, part: 'start' | 'end' | 'off') => (values ? values[`day${d}.${part}`] ?? '' : stored(d, part));
  return (
    <FormCard p={p} id="week" action={`${CALENDAR}/week`} title={t('appealSettings.calendar.weekTitle')} errors={errors} submit={t('form.save')}>
      <p class="muted">{t('appealSettings.calendar.weekHint', { zone: p.timeZone })}</p>
      {p.weekIsDefault && <p class="muted">{t('appealSettings.calendar.weekDefault')}</p>}
      {[0, 1, 2, 3, 4, 5, 6].map((d) => (
        <fieldset>
          <legend>{t(`appealSettings.weekdays.${d}`)}</legend>
          <Field t={t} name={`day${d}.start`} label={t('appealSettings.calendar.start')} value={value(d, 'start')} errors={errors} maxLength={5} />
          <Field t={t} name={`day${d}.end`} label={t('appealSettings.calendar.end')} value={value(d, 'end')} errors={errors} maxLength={5} />
          <Checkbox name={`day${d}.off`} label={t('appealSettings.calendar.dayOff')} checked={value(d, 'off') !== ''} />
        </fieldset>
      ))}
    </FormCard>
  );
}

function Exceptions({ p }: { p: CalendarProps }) {
  const { t, csrf, rows } = p;
  return (
    <section class="card" id="days">
      <h2>{t('appealSettings.calendar.daysTitle', { year: p.year })}</h2>
      <form method="get" action={CALENDAR} class="search">
        <label for="f-year">{t('appealSettings.calendar.year')}</label>
        <select id="f-year" name="year" data-autosubmit="">
          {p.years.map((y) => <option value={String(y)} selected={y === p.year}>{y}</option>)}
        </select>
        <button type="submit" class="secondary">{t('appealSettings.calendar.show')}</button>
      </form>
      <p class="muted">{t('appealSettings.calendar.daysHint')}</p>
      {rows.length === 0 ? <p>{t('appealSettings.calendar.noDays')}</p> : (
        <div class="table-wrap"><table>
          <thead><tr>
            <th>{t('appealSettings.calendar.date')}</th><th>{t('appealSettings.calendar.seeded')}</th>
            <th>{t('appealSettings.calendar.own')}</th><th>{t('appealSettings.calendar.effective')}</th><th></th>
          </tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr id={`day-${r.date}`}>
                <td>{formatDate(r.date, p.locale)}</td>
                <td>{r.seeded ? kindLabel(t, r.seeded) : '—'}</td>
                <td>{r.own ? <span class="badge">{kindLabel(t, r.own)}</span> : '—'}</td>
                <td>{kindLabel(t, r.effective)}</td>
                <td>{r.own && <PostButton csrf={csrf} action={`${CALENDAR}/days/remove`} fields={{ date: r.date }} label={t('appealSettings.calendar.undo')} />}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </section>
  );
}

export function CalendarPage(p: CalendarProps) {
  const { t } = p;
  const { errors, values } = formState(p.failed, 'day');
  return (
    <SettingsShell p={p} page="calendar">
      <WeekForm p={p} />
      <Exceptions p={p} />
      <FormCard p={p} id="day" action={`${CALENDAR}/days`} title={t('appealSettings.calendar.changeTitle')} errors={errors} submit={t('appealSettings.calendar.change')}>
        <Field t={t} name="date" type="date" label={t('appealSettings.calendar.date')} value={values?.date} errors={errors} required />
        <Select t={t} name="kind" label={t('appealSettings.calendar.kind')} value={values?.kind ?? 'holiday'} errors={errors}
          options={CALENDAR_DAY_KINDS.map((k) => ({ value: k, label: kindLabel(t, k) }))} />
        <p class="muted">{t('appealSettings.calendar.changeHint')}</p>
      </FormCard>
    </SettingsShell>
  );
}
