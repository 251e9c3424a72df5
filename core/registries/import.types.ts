import type { Actor } from '../audit/index.ts';
import type { ErrorCode } from '../shared/index.ts';
import type { Delimiter } from './delimited.calc.ts';
import type { RegistryEncoding } from './encoding.calc.ts';
import type { RegistryField } from './header-synonyms.calc.ts';
import type { RawRow, RegistryFormat } from './reader.ts';

/** Field → 0-based column of the file. */
export type ColumnMapping = Partial<Record<RegistryField, number>>;

export type ImportSource = 'cli' | 'admin' | 'api';

export type ReadOptions = {
  /** Staff's choice when detection is unsure (or wrong). */
  readonly encoding?: RegistryEncoding;
  readonly delimiter?: Delimiter;
  /** A saved profile of the organisation: its columns are found by their header titles. */
  readonly profileName?: string;
  /** An explicit mapping (the admin's confirm form): wins over the profile and the guess. */
  readonly mapping?: { readonly headerLine: number | null; readonly columns: ColumnMapping };
  /** 'YYYY-MM' for files without a period column (a debt registry names its month in the file name). */
  readonly period?: string;
  /** Compare a total line («Итого», «=…») with the rows (default: the profile's choice, else yes). */
  readonly totalsCheck?: boolean;
};

export type ImportOptions = ReadOptions & {
  readonly source: ImportSource;
  readonly actor: Actor;
  /** Parse, validate and apply, then roll back: the report says what would happen. */
  readonly dryRun?: boolean;
  /** Staff chose to load the valid rows of a file with errors; the rest are listed and downloadable. */
  readonly validRowsOnly?: boolean;
  /** Save the mapping used as a profile of this name (created or replaced). */
  readonly saveProfileAs?: string;
};

/** One problem, where staff can find it: the line of the file and the column as their program names it. */
export type RowError = {
  readonly line: number | null;
  readonly column: string | null;
  readonly value: string | null;
  readonly code: ErrorCode;
  readonly params: Readonly<Record<string, string | number>>;
  /** In Russian, with the line and column (locales/ru/errors.json). */
  readonly message: string;
};

export type AssignedNumber = { readonly line: number; readonly number: string; readonly address: string; readonly premise: string };

export type ImportStatus = 'applied' | 'rejected' | 'dry_run' | 'already_imported';

export type ImportReport = {
  /** The registry_imports row (null for dry runs, which are not recorded). */
  readonly importId: string | null;
  readonly status: ImportStatus;
  readonly applied: boolean;
  /** When status is already_imported: the earlier import of the same bytes. */
  readonly previous: { readonly importId: string; readonly at: string } | null;
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
  readonly format: RegistryFormat | null;
  readonly encoding: RegistryEncoding | null;
  readonly profile: string | null;
  readonly mapping: ColumnMapping;
  /** Data rows read (total lines and blank lines excluded). */
  readonly rows: number;
  /** Charge lines written (or, for a dry run or a rejected file, that would be). */
  readonly lines: number;
  /** Σ «к оплате» of the applied lines (Σ «начислено» when the file has no «к оплате»), kopecks. */
  readonly totalKop: number;
  readonly accounts: { readonly created: number; readonly updated: number; readonly assigned: readonly AssignedNumber[] };
  readonly buildingsCreated: number;
  readonly premisesCreated: number;
  readonly servicesCreated: readonly { readonly code: string; readonly name: string }[];
  readonly readings: number;
  /** At most MAX_REPORTED_ERRORS; errorsTotal counts all. */
  readonly errors: readonly RowError[];
  readonly errorsTotal: number;
  /** Rows left out of a valid-rows import, and the stored file that lists them. */
  readonly rejectedRows: number;
  readonly rejectedSha256: string | null;
  /** Every number FamilyPay assigned, as a stored CSV (the report lists the first thousand). */
  readonly assignedSha256: string | null;
  readonly durationMs: number;
  /** Where the time went, ms by phase (parse+copy, checks, each apply step): for operators and the benchmark. */
  readonly phases: Readonly<Record<string, number>>;
};

export type EncodingCandidate = { readonly encoding: RegistryEncoding; readonly sample: readonly string[] };

export type PreviewResult =
  | {
      readonly kind: 'ok';
      readonly sha256: string;
      readonly file: string;
      readonly format: RegistryFormat;
      readonly encoding: RegistryEncoding | null;
      readonly delimiter: Delimiter | null;
      /** The header's line, null when the file has none (a DBF's field names are its header). */
      readonly headerLine: number | null;
      readonly columns: readonly { readonly index: number; readonly label: string; readonly title: string }[];
      readonly mapping: ColumnMapping;
      /** Where the mapping came from. */
      readonly mappingSource: 'profile' | 'guess' | 'explicit';
      readonly rows: readonly RawRow[];
      readonly profiles: readonly string[];
    }
  /** The encoding could not be told for sure: the first lines in each candidate, for staff to pick. */
  | { readonly kind: 'ambiguous'; readonly sha256: string; readonly file: string; readonly candidates: readonly EncodingCandidate[] }
  | { readonly kind: 'unreadable'; readonly sha256: string; readonly file: string; readonly error: RowError };

export type ImportListItem = {
  readonly id: string;
  readonly createdAt: Date;
  readonly fileName: string;
  readonly fileSha256: string;
  readonly format: string;
  readonly status: 'applied' | 'rejected';
  readonly rows: number;
  readonly lines: number;
  readonly totalKop: number;
  readonly errorsCount: number;
  readonly actorLabel: string;
  readonly source: string;
};

export type ProfileInput = {
  readonly name: string;
  /** Field → header title as it appears in the file. */
  readonly columns: Partial<Record<RegistryField, string>>;
  readonly encoding?: RegistryEncoding | null;
  readonly delimiter?: Delimiter | null;
  readonly totalsCheck?: boolean;
};
