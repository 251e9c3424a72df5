import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create, type Font } from 'fontkit';
import PDFDocument from 'pdfkit';
import { formatRubles, kopecks, type Kopecks } from '../shared/index.ts';

/** One line of an account's debt, as core/payments' accountDebt gives it. */
export type DebtStatementLine = { readonly serviceCode: string; readonly period: string; readonly kind: 'principal' | 'penalty'; readonly amount: number };

export type DebtPeriodRow = { readonly period: string; readonly principal: Kopecks; readonly penalty: Kopecks };
export type DebtServiceGroup = {
  readonly serviceCode: string;
  readonly service: string;
  /** Oldest period first: the order the debt arose in and the order «oldest first» pays it. */
  readonly rows: readonly DebtPeriodRow[];
  readonly principal: Kopecks;
  readonly penalty: Kopecks;
};
export type DebtStructure = { readonly groups: readonly DebtServiceGroup[]; readonly principal: Kopecks; readonly penalty: Kopecks; readonly total: Kopecks };

/** Debt lines by service (by name), then period, principal and penalty side by side. */
export function groupDebtLines(lines: readonly DebtStatementLine[], names: ReadonlyMap<string, string>): DebtStructure {
  const byService = new Map<string, Map<string, { principal: number; penalty: number }>>();
  for (const line of lines) {
    if (line.amount <= 0) continue;
    const periods = byService.get(line.serviceCode) ?? new Map<string, { principal: number; penalty: number }>();
    const row = periods.get(line.period) ?? { principal: 0, penalty: 0 };
    row[line.kind] += line.amount;
    periods.set(line.period, row);
    byService.set(line.serviceCode, periods);
  }
  const groups = [...byService].map(([serviceCode, periods]): DebtServiceGroup => {
    const rows = [...periods].sort(([a], [b]) => a.localeCompare(b))
      .map(([period, r]) => ({ period, principal: kopecks(r.principal), penalty: kopecks(r.penalty) }));
    return {
      serviceCode, service: names.get(serviceCode) ?? serviceCode, rows,
      principal: kopecks(rows.reduce((s, r) => s + r.principal, 0)), penalty: kopecks(rows.reduce((s, r) => s + r.penalty, 0)),
    };
  }).sort((a, b) => a.service.localeCompare(b.service, 'ru') || a.serviceCode.localeCompare(b.serviceCode));
  const principal = kopecks(groups.reduce((s, g) => s + g.principal, 0));
  const penalty = kopecks(groups.reduce((s, g) => s + g.penalty, 0));
  return { groups, principal, penalty, total: kopecks(principal + penalty) };
}

/** The words of the document, already in the resident's language (core knows no dialog texts). */
export type DebtStatementLabels = {
  readonly title: string; readonly account: string; readonly address: string; readonly asOf: string;
  readonly service: string; readonly period: string; readonly principal: string; readonly penalty: string;
  readonly serviceTotal: string; readonly total: string; readonly totalWithPenalty: string;
};

export type DebtStatementInput = {
  readonly orgName: string;
  readonly accountNumber: string;
  readonly address: string | null;
  /** «26.11.2026», the organisation's local date. */
  readonly date: string;
  readonly structure: DebtStructure;
  readonly periodName: (period: string) => string;
  readonly labels: DebtStatementLabels;
};

// Parsed once per process: pdfkit re-parses a 750 KB TTF for every document it is given as a path (STACK.md G13).
let fonts: { regular: Font; bold: Font } | null = null;
function loadFonts(): { regular: Font; bold: Font } {
  if (fonts) return fonts;
  const require = createRequire(import.meta.url);
  const parse = (file: string) => create(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`))) as Font;
  fonts = { regular: parse('DejaVuSans.ttf'), bold: parse('DejaVuSans-Bold.ttf') };
  return fonts;
}

const PAGE_BOTTOM = 780;
const ROW = 16;
/** Columns of the table: x and width, in points on A4 with 50 pt margins. */
const COLS = { service: [50, 200], period: [255, 110], principal: [370, 85], penalty: [460, 85] } as const;
const money = (k: Kopecks) => formatRubles(k);

/** An A4 PDF of the account's debt: organisation, account, address, date, a table by service and period, totals. */
export function renderDebtStatement(input: DebtStatementInput): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  // pdfkit accepts a parsed fontkit Font (pdfkit 0.20); its types only know paths and buffers.
  const doc = new PDFDocument({ size: 'A4', margin: 50, font: regular as unknown as string, info: { Title: input.labels.title } });
  doc.registerFont('regular', regular as unknown as Buffer);
  doc.registerFont('bold', bold as unknown as Buffer);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { labels, structure } = input;
  doc.font('bold').fontSize(14).text(labels.title);
  doc.moveDown(0.3).font('regular').fontSize(10).text(input.orgName);
  doc.text(`${labels.account}: ${input.accountNumber}`);
  if (input.address) doc.text(`${labels.address}: ${input.address}`);
  doc.text(`${labels.asOf} ${input.date}`);
  doc.moveDown(1);

  let y = doc.y;
  const cell = (text: string, col: keyof typeof COLS, right = false) =>
    doc.text(text, COLS[col][0], y, { width: COLS[col][1], height: ROW, lineBreak: false, ellipsis: true, align: right ? 'right' : 'left' });
  const header = () => {
    doc.font('bold').fontSize(9);
    cell(labels.service, 'service'); cell(labels.period, 'period'); cell(labels.principal, 'principal', true); cell(labels.penalty, 'penalty', true);
    y += ROW;
    doc.moveTo(50, y - 3).lineTo(545, y - 3).lineWidth(0.5).stroke();
    doc.font('regular');
  };
  const row = (cells: [string, string, string, string], strong = false) => {
    if (y > PAGE_BOTTOM) { doc.addPage(); y = 50; header(); }
    doc.font(strong ? 'bold' : 'regular').fontSize(9);
    cell(cells[0], 'service'); cell(cells[1], 'period'); cell(cells[2], 'principal', true); cell(cells[3], 'penalty', true);
    y += ROW;
  };
  header();
  for (const group of structure.groups) {
    group.rows.forEach((r, i) => row([i === 0 ? group.service : '', input.periodName(r.period), money(r.principal), r.penalty > 0 ? money(r.penalty) : '—']));
    if (group.rows.length > 1) row([labels.serviceTotal, '', money(group.principal), money(group.penalty)], true);
  }
  doc.moveTo(50, y + 2).lineTo(545, y + 2).lineWidth(0.5).stroke();
  y += 6;
  row([labels.total, '', money(structure.principal), money(structure.penalty)], true);
  doc.font('bold').fontSize(10).text(`${labels.totalWithPenalty}: ${money(structure.total)}`, 50, y + 6);
  doc.end();
  return done;
}
