import { APPEAL_TYPES, EMERGENCY_CATEGORIES, MAX_APPEAL_TEXT, REPLY_THEN, type AppealCard, type CardOptions } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { PostButton, Select, type FormErrors } from './components.tsx';
import { CsrfField, type PageProps } from './layout.tsx';
import { appealPath } from './appeals-parts.tsx';

type ActionsProps = PageProps & {
  card: AppealCard; options: CardOptions; errors?: FormErrors; values?: Readonly<Record<string, string>>;
};

/** Files a reply may carry at once (each up to 10 MB, checked by what they are, not by their names). */
export const MAX_REPLY_FILES = 5;

function fieldError(t: T, errors: FormErrors | undefined, name: string) {
  const error = errors?.find((e) => e.field === name);
  return error ? <small id={`e-${name}`} class="error">{t(error.code, error.vars)}</small> : null;
}

function TextArea({ t, name, label, value, errors, rows = 5 }: { t: T; name: string; label: string; value?: string; errors?: FormErrors; rows?: number }) {
  const invalid = errors?.some((e) => e.field === name);
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={`f-${name}`}>{label}</label>
      <textarea id={`f-${name}`} name={name} rows={rows} maxLength={MAX_APPEAL_TEXT} aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? `e-${name}` : undefined}>{value ?? ''}</textarea>
      {fieldError(t, errors, name)}
    </div>
  );
}

function ReplyForm({ t, csrf, card, options, errors, values }: ActionsProps) {
  const path = appealPath(card.appeal.id);
  const then = values?.then && (REPLY_THEN as readonly string[]).includes(values.then) ? values.then : 'answered';
  return (
    <form method="post" action={`${path}/reply`} enctype="multipart/form-data" class="reply" id="reply">
      <CsrfField csrf={csrf} />
      <h3>{t('appeals.reply.title')}</h3>
      {options.canned.length > 0 && (
        <div class="field">
          <label for="f-cannedId">{t('appeals.reply.canned')}</label>
          <select id="f-cannedId" name="cannedId" data-canned="f-text">
            <option value="">{t('appeals.reply.cannedNone')}</option>
            {options.canned.map((c) => <option value={c.id} data-text={c.text} selected={values?.cannedId === c.id}>{c.name}</option>)}
          </select>
          <small>{t('appeals.reply.cannedHint')}</small>
        </div>
      )}
      <TextArea t={t} name="text" label={t('appeals.reply.text')} value={values?.text} errors={errors} rows={6} />
      <div class={`field${errors?.some((e) => e.field === 'files') ? ' invalid' : ''}`}>
        <label for="f-files">{t('appeals.reply.files', { count: MAX_REPLY_FILES })}</label>
        <input id="f-files" type="file" name="files" multiple accept="image/jpeg,image/png,image/gif,image/webp,image/heic,application/pdf" />
        {fieldError(t, errors, 'files')}
      </div>
      <fieldset class="then">
        <legend>{t('appeals.reply.then')}</legend>
        {REPLY_THEN.map((v) => (
          <label><input type="radio" name="then" value={v} checked={v === then} /> {t(`appeals.then.${v}`)}</label>
        ))}
      </fieldset>
      <button type="submit">{t('appeals.reply.send')}</button>
    </form>
  );
}

function AssignForm({ t, csrf, card, options, errors, values }: ActionsProps) {
  const a = card.appeal;
  return (
    <form method="post" action={`${appealPath(a.id)}/assign`} class="assign">
      <CsrfField csrf={csrf} />
      <h3>{t('appeals.assign.title')}</h3>
      <Select t={t} name="teamId" label={t('appeals.assign.team')} value={values?.teamId ?? a.teamId ?? ''} errors={errors}
        options={[{ value: '', label: t('appeals.assign.noTeam') }, ...options.teams.map((x) => ({ value: x.id, label: x.name }))]} />
      <Select t={t} name="assigneeId" label={t('appeals.assign.assignee')} value={values?.assigneeId ?? a.assigneeId ?? ''} errors={errors}
        options={[{ value: '', label: t('appeals.list.nobody') }, ...options.staff.map((s) => ({ value: s.id, label: s.name }))]} />
      <button type="submit" class="secondary">{t('appeals.assign.submit')}</button>
    </form>
  );
}

function TypeForm({ t, csrf, card, errors, values }: ActionsProps) {
  const a = card.appeal;
  return (
    <form method="post" action={`${appealPath(a.id)}/type`} class="retype">
      <CsrfField csrf={csrf} />
      <h3>{t('appeals.retype.title')}</h3>
      <Select t={t} name="type" label={t('appeals.retype.type')} value={values?.type ?? a.type} errors={errors}
        options={APPEAL_TYPES.map((v) => ({ value: v, label: t(`appeals.type.${v}`) }))} />
      <Select t={t} name="category" label={t('appeals.retype.category')} value={values?.category ?? a.category ?? ''} errors={errors}
        options={[{ value: '', label: t('appeals.retype.noCategory') }, ...EMERGENCY_CATEGORIES.map((c) => ({ value: c, label: t(`dialogs.emergency.cat.${c}`) }))]} />
      <button type="submit" class="secondary">{t('appeals.retype.submit')}</button>
    </form>
  );
}

/** What admin and operators may do with the appeal; each form posts, and comes back to the card (PRG). */
export function AppealActions(p: ActionsProps) {
  const { t, csrf, card, errors, values } = p;
  const a = card.appeal;
  const path = appealPath(a.id);
  const closed = a.status === 'closed';
  const me = p.staff?.user.id;
  return (
    <section class="appeal-actions" aria-label={t('appeals.card.actions')}>
      <div class="actions">
        {!closed && (a.assigneeId !== me || a.takenAt === null) && <PostButton csrf={csrf} action={`${path}/take`} label={t('appeals.action.take')} kind="" />}
        {!closed && <PostButton csrf={csrf} action={`${path}/close`} label={t('appeals.action.close')} kind="secondary" />}
        {(closed || a.status === 'answered') && <PostButton csrf={csrf} action={`${path}/reopen`} label={t('appeals.action.reopen')} kind="secondary" />}
      </div>
      {!closed && <ReplyForm {...p} />}
      <form method="post" action={`${path}/note`} class="note" id="note">
        <CsrfField csrf={csrf} />
        <h3>{t('appeals.note.title')}</h3>
        <TextArea t={t} name="note" label={t('appeals.note.text')} value={values?.note} errors={errors} rows={3} />
        <button type="submit" class="secondary">{t('appeals.note.submit')}</button>
      </form>
      {!closed && <AssignForm {...p} />}
      {!closed && <TypeForm {...p} />}
    </section>
  );
}
