// The documents module: printable and writable forms of a pay link, for bills, plates and collectors' cards.

// QR codes of a URL
export { qrSvg, qrPng } from './pay-qr.ts';

// NFC tags
export { ndefUriRecord, ndefHex, ndefTlv } from './ndef.calc.ts';
export { DOCUMENTS_ENTITIES, DOCUMENT_KINDS } from './documents.entity.ts';
export type { DocumentKind } from './documents.entity.ts';
export { saveDocumentFile, loadDocumentFile, signFileRef, checkFileRef, MAX_FILE_BYTES } from './files.ts';
export type { StoredDocument } from './files.ts';

// Statements sent to residents (the bots' «debt structure»)
export { groupDebtLines, renderDebtStatement } from './debt-statement.ts';
export type { DebtStatementLine, DebtPeriodRow, DebtServiceGroup, DebtStructure, DebtStatementLabels, DebtStatementInput } from './debt-statement.ts';
export { makeFileSource } from './file-source.ts';
export type { FileSource } from './file-source.ts';
