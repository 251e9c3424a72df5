// The documents module: printable and writable forms of a pay link, for bills, plates and collectors' cards.

// QR codes of a URL
export { qrSvg, qrPng } from './pay-qr.ts';

// NFC tags
export { ndefUriRecord, ndefHex, ndefTlv } from './ndef.calc.ts';
