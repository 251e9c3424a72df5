// The registries module: readers and writers of XLSX/DBF/TXT/CSV in any Cyrillic code page, column profiles,
// imports (parse → validate → apply in one transaction → report) and the immutable file store.
export { makeRegistriesService } from './import.service.ts';
export type { RegistriesService } from './import.service.ts';
export type {
  ColumnMapping, ReadOptions, ImportOptions, ImportReport, ImportStatus, ImportSource, RowError, AssignedNumber, PreviewResult,
  EncodingCandidate, ImportListItem, ProfileInput,
} from './import.types.ts';
export type { ProfileView } from './profiles.ts';
export { openRegistry } from './open-registry.ts';
export { RegistryReadError, REGISTRY_FORMATS } from './reader.ts';
export type { RawRow, RegistryFormat, OpenedRegistry, OpenOptions } from './reader.ts';
export { writeDelimited, writeXlsx, writeDbf, guardFormula } from './writer.ts';
export type { XlsxCell, WriteDelimitedOptions } from './writer.ts';
export { ImportProfile, RegistryImport, REGISTRY_ENTITIES } from './registry.entity.ts';
export { MAX_REPORTED_ERRORS } from './import-parse.ts';
export { MAX_ROWS } from './import-sink.ts';
export { storeFile, storeFileIn, readFile, openStoredFile, fileInfo, StoredFileCorruptError } from './file-store.ts';
export type { FileContent, StoreFileInput, StoredFileResult, StoredFileInfo } from './file-store.ts';
export { verifyFileChain, CHAIN_PROBLEMS } from './file-store.verify.ts';
export type { ChainProblem, ChainBreak, ChainReport } from './file-store.verify.ts';
export { GENESIS_HASH, CHAIN_FORMAT, canonicalLink, linkHash } from './file-store.chain.calc.ts';
export type { ChainLinkFields } from './file-store.chain.calc.ts';
export { StoredFile, StoredFileChunk, FileChainLink, FILE_STORE_ENTITIES, FILE_CHUNK_BYTES } from './file-store.entity.ts';
export type { StoredFileRow, FileChainLinkRow } from './file-store.entity.ts';
export { detectEncoding, decode, parseEncodingName, REGISTRY_ENCODINGS, SAMPLE_BYTES, SURE_MARGIN } from './encoding.calc.ts';
export type { RegistryEncoding, EncodingGuess } from './encoding.calc.ts';
export { parseAmount, parseDecimal, parseDecimalText, parseInteger, parseDate, parsePeriod } from './values.calc.ts';
export type { CellReason, CellResult } from './values.calc.ts';
export { detectDelimiter, DELIMITERS } from './delimited.calc.ts';
export type { Delimiter } from './delimited.calc.ts';
export { guessMapping, normaliseHeader, HEADER_SEARCH_ROWS } from './headers.calc.ts';
export type { HeaderMapping, RegistryField } from './headers.calc.ts';
export { REGISTRY_FIELDS, HEADER_SYNONYMS } from './header-synonyms.calc.ts';
export { scoreRussianText } from './cyrillic-score.calc.ts';
export type { TextScore } from './cyrillic-score.calc.ts';
