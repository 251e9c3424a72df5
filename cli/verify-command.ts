import { parseArgs } from 'node:util';
import { verifyFileChain, type ChainProblem } from '../core/registries/index.ts';
import { translate } from '../core/shared/index.ts';
import type { App } from './compose.ts';

const text = (key: string, vars: Readonly<Record<string, unknown>> = {}) => translate('ru', `cli.${key}`, vars);

/** The compiler keeps this complete: every problem the verifier can name has its sentence. */
const PROBLEM_KEYS: Record<ChainProblem, string> = {
  'seq-gap': 'verifyProblemSeqGap',
  predecessor: 'verifyProblemPredecessor',
  'link-hash': 'verifyProblemLinkHash',
  'file-missing': 'verifyProblemFileMissing',
  'record-changed': 'verifyProblemRecordChanged',
  'bytes-changed': 'verifyProblemBytesChanged',
  'unchained-file': 'verifyProblemUnchained',
};

/** Russian plural category of a count: 1 файл, 2 файла, 5 файлов. */
const pluralRu = new Intl.PluralRules('ru');

/**
 * `familypay verify` walks the file chain from its first link (RELIABILITY.md R4): 0 when it is whole, 1 naming
 * the first broken link. The head's hash is printed so it can be kept elsewhere: cutting the chain's tail together
 * with its files leaves nothing inside the database to notice it by.
 */
export async function verifyCommand(app: App, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length) { console.log(text('verifyUsage')); return 2; }
  const report = await verifyFileChain(app.db);
  if (report.ok) {
    console.log(text(`verifyOk_${pluralRu.select(report.files)}`, { files: report.files }));
    if (report.head) console.log(text('verifyHead', { seq: report.head.seq, hash: report.head.hash }));
    return 0;
  }
  const { broken } = report;
  const problem = text(PROBLEM_KEYS[broken.problem]);
  if (broken.seq === null) console.error(text('verifyUnchained', { name: broken.name, sha256: broken.sha256, org: broken.orgId, problem }));
  else console.error(text('verifyBroken', { seq: broken.seq, name: broken.name, org: broken.orgId, problem }));
  console.error(text('verifyCheckedBefore', { verified: report.verified }));
  return 1;
}
