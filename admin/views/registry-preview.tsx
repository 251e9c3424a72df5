import { DELIMITERS, REGISTRY_ENCODINGS, REGISTRY_FIELDS, type ColumnMapping, type Delimiter, type PreviewResult } from '../../core/registries/index.ts';
import type { T } from '../i18n.ts';
import { CsrfField, Layout, type PageProps } from './layout.tsx';

export const PREVIEW_ROWS = 20;

/** Delimiters travel in URLs and forms by name: a tab or a «|» in a query string helps no one. */
export const DELIMITER_NAMES: Readonly<Record<Delimiter, string>> = { ';': 'semicolon', ',': 'comma', '|': 'pipe', '\t': 'tab' };
export const delimiterByName = (name: string): Delimiter | undefined => DELIMITERS.find((d) => DELIMITER_NAMES[d] === name);

/** How staff asked the file to be read (the GET form) — kept through the import form as hidden fields. */
export type ReadChoice = { readonly encoding: string; readonly delimiter: string; readonly profile: string };
/** The import form as sent, shown again when something in it must be fixed. */
export type ImportForm = {
  readonly mapping: ColumnMapping; readonly period: string; readonly validRowsOnly: boolean; readonly skipTotals: boolean;
  readonly saveProfile: boolean; readonly profileName: string;
};

export const previewHref = (sha256: string, choice: Partial<ReadChoice>) => {
  const query = new URLSearchParams(Object.entries(choice).filter(([, v]) => v) as [string, string][]).toString();
  return `/admin/registries/preview/${sha256}${query ? `?${query}` : ''}`;
};

type Ok = Extract<PreviewResult, { kind: 'ok' }>;

function ReadForm({ t, result, choice, profiles }: { t: T; result: PreviewResult; choice: ReadChoice; profiles: readonly string[] }) {
  const text = result.kind !== 'ok' || result.format === 'txt' || result.format === 'csv';
  return (
    <form method="get" action={`/admin/registries/preview/${result.sha256}`} class="card" id="reading">
      <h2>{t('preview.readingTitle')}</h2>
      <p><span class="muted">{t('preview.file')}:</span> {result.file}
        {result.kind === 'ok' && <> · <span class="muted">{t('preview.format')}:</span> {t(`registries.formats.${result.format}`)}</>}</p>
      <div class="field">
        <label for="f-encoding">{t('preview.encoding')}</label>
        <select id="f-encoding" name="encoding">
          <option value="" selected={!choice.encoding}>
            {t('preview.autoDetect')}{result.kind === 'ok' && result.encoding && !choice.encoding ? `: ${t(`registries.encodings.${result.encoding}`)}` : ''}
          </option>
          {REGISTRY_ENCODINGS.map((e) => <option value={e} selected={choice.encoding === e}>{t(`registries.encodings.${e}`)}</option>)}
        </select>
      </div>
      {text && (
        <div class="field">
          <label for="f-delimiter">{t('preview.delimiter')}</label>
          <select id="f-delimiter" name="delimiter">
            <option value="" selected={!choice.delimiter}>
              {t('preview.autoDetect')}{result.kind === 'ok' && result.delimiter && !choice.delimiter ? `: ${t(`registries.delimiters.${DELIMITER_NAMES[result.delimiter]}`)}` : ''}
            </option>
            {DELIMITERS.map((d) => <option value={DELIMITER_NAMES[d]} selected={choice.delimiter === DELIMITER_NAMES[d]}>{t(`registries.delimiters.${DELIMITER_NAMES[d]}`)}</option>)}
          </select>
        </div>
      )}
      <div class="field">
        <label for="f-profile">{t('preview.profile')}</label>
        <select id="f-profile" name="profile">
          <option value="" selected={!choice.profile}>{t('preview.noProfile')}</option>
          {profiles.map((name) => <option value={name} selected={choice.profile === name}>{name}</option>)}
        </select>
      </div>
      <div class="actions"><button type="submit" class="secondary">{t('preview.reread')}</button></div>
    </form>
  );
}

/** One select per column above the first rows: staff see what each column holds while choosing its field. */
function MappingTable({ t, result, mapping }: { t: T; result: Ok; mapping: ColumnMapping }) {
  const fieldOf = new Map(Object.entries(mapping).map(([field, index]) => [index, field]));
  const rows = result.rows.slice(0, PREVIEW_ROWS);
  return (
    <div class="table-wrap">
      <table class="preview">
        <thead>
          <tr><th>{t('preview.line')}</th>{result.columns.map((c) => <th>{c.label}{c.title ? <><br /><span class="muted">{c.title}</span></> : null}</th>)}</tr>
          <tr>
            <th />
            {result.columns.map((c) => (
              <th>
                <select name={`col.${c.index}`} aria-label={t('preview.columnFor', { label: c.label, title: c.title })}>
                  <option value="">{t('preview.skipColumn')}</option>
                  {REGISTRY_FIELDS.map((f) => <option value={f} selected={fieldOf.get(c.index) === f}>{t(`registries.fields.${f}`)}</option>)}
                </select>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => <tr><td class="num">{r.line}</td>{result.columns.map((c) => <td>{r.cells[c.index] ?? ''}</td>)}</tr>)}
        </tbody>
      </table>
    </div>
  );
}

function ImportFormCard({ p, result, choice, form }: { p: PageProps; result: Ok; choice: ReadChoice; form: ImportForm }) {
  const { t } = p;
  return (
    <form method="post" action={`/admin/registries/preview/${result.sha256}`} class="card" id="import">
      <CsrfField csrf={p.csrf} />
      <input type="hidden" name="encoding" value={choice.encoding} />
      <input type="hidden" name="delimiter" value={choice.delimiter} />
      <input type="hidden" name="profile" value={choice.profile} />
      <input type="hidden" name="headerLine" value={result.headerLine === null ? '' : String(result.headerLine)} />
      <h2>{t('preview.mapping')}</h2>
      <p class="muted">{t(`preview.mappingSource.${result.mappingSource}`)} {t('preview.mappingExplain')}{' '}
        {result.headerLine === null ? t('preview.noHeader') : t('preview.headerLine', { line: result.headerLine })}</p>
      {result.rows.length ? <p class="muted">{t('preview.rowsShown', { n: Math.min(PREVIEW_ROWS, result.rows.length) })}</p> : <p>{t('preview.noRows')}</p>}
      <MappingTable t={t} result={result} mapping={form.mapping} />
      <h2>{t('preview.options')}</h2>
      <div class="field">
        <label for="f-period">{t('preview.period')}</label>
        <input id="f-period" name="period" type="month" value={form.period} aria-describedby="h-period" />
        <small id="h-period">{t('preview.periodHint')}</small>
      </div>
      <div class="field">
        <label><input type="checkbox" name="validRowsOnly" value="1" checked={form.validRowsOnly} /> {t('preview.validRowsOnly')}</label>
        <label><input type="checkbox" name="skipTotals" value="1" checked={form.skipTotals} /> {t('preview.skipTotals')}</label>
      </div>
      <div class="field">
        <label><input type="checkbox" name="saveProfile" value="1" checked={form.saveProfile} /> {t('preview.saveProfile')}</label>
        <label for="f-profileName" class="visually-hidden">{t('preview.profileName')}</label>
        <input id="f-profileName" name="profileName" maxLength={100} value={form.profileName || choice.profile} placeholder={t('preview.profileName')} />
      </div>
      <div class="actions">
        <button type="submit" name="action" value="dryRun" class="secondary">{t('preview.dryRun')}</button>
        <button type="submit" name="action" value="import">{t('preview.import')}</button>
      </div>
    </form>
  );
}

function Candidates({ t, result }: { t: T; result: Extract<PreviewResult, { kind: 'ambiguous' }> }) {
  return (
    <section class="card">
      <h2>{t('preview.ambiguousTitle')}</h2>
      <p>{t('preview.ambiguous')}</p>
      {result.candidates.map((c) => (
        <div class="candidate">
          <h3>{t(`registries.encodings.${c.encoding}`)}</h3>
          <pre>{c.sample.join('\n')}</pre>
          <a class="button secondary" href={previewHref(result.sha256, { encoding: c.encoding })}>
            {t('preview.readAs', { encoding: t(`registries.encodings.${c.encoding}`) })}
          </a>
        </div>
      ))}
    </section>
  );
}

export function PreviewPage(p: PageProps & {
  result: PreviewResult; choice: ReadChoice; form?: ImportForm; problems?: readonly string[];
}) {
  const { t, result, choice } = p;
  const profiles = result.kind === 'ok' ? result.profiles : [];
  return (
    <Layout {...p} title={t('preview.title')} active="/admin/registries">
      <p><a href="/admin/registries">{t('report.back')}</a></p>
      {p.problems?.length ? (
        <div class="errors" role="alert"><p>{t('form.fixThese')}</p><ul>{p.problems.map((m) => <li>{m}</li>)}</ul></div>
      ) : null}
      {result.kind === 'ambiguous' && <Candidates t={t} result={result} />}
      {result.kind === 'unreadable' && (
        <div class="errors" role="alert"><p><strong>{t('preview.unreadable')}</strong></p><p>{t(result.error.code, result.error.params)}</p></div>
      )}
      {result.kind === 'unreadable' && <p class="muted">{t('preview.tryEncoding')}</p>}
      <ReadForm t={t} result={result} choice={choice} profiles={profiles} />
      {result.kind === 'ok' && (
        <ImportFormCard p={p} result={result} choice={choice}
          form={p.form ?? { mapping: result.mapping, period: '', validRowsOnly: false, skipTotals: false, saveProfile: false, profileName: '' }} />
      )}
    </Layout>
  );
}
