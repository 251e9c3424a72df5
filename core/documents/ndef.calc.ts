/**
 * The NFC payload of a collector's card: one NDEF URI record (NFC Forum URI RTD), so that tapping a phone opens
 * the signed pay link with no app installed. The bytes are what NFC writer apps show and what an NTAG213/215/216
 * holds in its data area.
 */

// Record header flags (NDEF 1.0 §3.2): message begin, message end, short record; TNF 0x01 is an NFC Forum well-known type.
const MB = 0x80;
const ME = 0x40;
const SR = 0x10;
const TNF_WELL_KNOWN = 0x01;
const TYPE_URI = 0x55; // "U"
const SHORT_PAYLOAD_MAX = 0xff;

/** URI identifier codes; the longer prefix first, so `https://www.` is not taken for `https://`. */
const URI_PREFIXES: readonly (readonly [string, number])[] = [
  ['https://www.', 0x02],
  ['http://www.', 0x01],
  ['https://', 0x04],
  ['http://', 0x03],
];

// NDEF Message TLV (NFC Forum Type 2 Tag §2.3): one length byte up to 254, else 0xFF and two bytes up to 0xFFFE.
const TLV_NDEF = 0x03;
const TLV_TERMINATOR = 0xfe;
const TLV_LONG = 0xff;
const TLV_MAX = 0xfffe;

/** An NDEF message of exactly one URI record, MB and ME set; the short form when the payload fits 255 bytes. */
export function ndefUriRecord(url: string): Buffer {
  const [prefix, code] = URI_PREFIXES.find(([p]) => url.startsWith(p)) ?? ['', 0x00];
  const payload = Buffer.concat([Buffer.from([code]), Buffer.from(url.slice(prefix.length), 'utf8')]);
  const short = payload.length <= SHORT_PAYLOAD_MAX;
  const length = short ? Buffer.from([payload.length]) : Buffer.alloc(4);
  if (!short) length.writeUInt32BE(payload.length);
  const header = MB | ME | (short ? SR : 0) | TNF_WELL_KNOWN;
  return Buffer.concat([Buffer.from([header, 1]), length, Buffer.from([TYPE_URI]), payload]);
}

/** Uppercase hex pairs separated by spaces, as NFC writer apps show a record. */
export function ndefHex(url: string): string {
  return (ndefUriRecord(url).toString('hex').toUpperCase().match(/../g) ?? []).join(' ');
}

/** The message inside an NDEF Message TLV and a terminator TLV: the bytes written from the tag's first data page. */
export function ndefTlv(url: string): Buffer {
  const message = ndefUriRecord(url);
  if (message.length > TLV_MAX) throw new Error(`ndef: message of ${message.length} bytes exceeds a TLV`);
  const length = message.length < TLV_LONG ? Buffer.from([message.length]) : Buffer.from([TLV_LONG, message.length >> 8, message.length & 0xff]);
  return Buffer.concat([Buffer.from([TLV_NDEF]), length, message, Buffer.from([TLV_TERMINATOR])]);
}
