import { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJSModule from 'exceljs';

/**
 * exceljs, with one defect of its stream reader mended. exceljs 4.4's parse-sax decodes every chunk of a zipped
 * XML entry on its own (`TextDecoder.decode(chunk)` without `stream`), so a Cyrillic letter whose two UTF-8 bytes
 * fall on either side of a chunk boundary becomes two U+FFFD — about one row in a few hundred of a large sheet.
 * Our replacement keeps one StringDecoder per entry, which carries an incomplete character over to the next
 * chunk. It is put into the CommonJS module cache before exceljs first loads, so every reader exceljs builds uses
 * it; everything else is exceljs as published. Import ExcelJS from here, never from 'exceljs' directly.
 */
const require = createRequire(import.meta.url);
const PARSE_SAX = require.resolve('exceljs/lib/utils/parse-sax.js');

type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };

async function* parseSax(iterable: AsyncIterable<Buffer | string>): AsyncGenerator<SaxEvent[]> {
  const { SaxesParser } = require('saxes') as { SaxesParser: new () => { on(e: string, f: (v: unknown) => void): void; write(s: string): void; close(): void } };
  const parser = new SaxesParser();
  const decoder = new StringDecoder('utf8');
  let error: unknown = null;
  let events: SaxEvent[] = [];
  parser.on('error', (e) => { error = e; });
  parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
  const flush = (text: string) => {
    if (text) parser.write(text);
    if (error) throw error;
    const out = events;
    events = [];
    return out;
  };
  for await (const chunk of iterable) yield flush(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  yield flush(decoder.end());
}

if (!require.cache[PARSE_SAX]) {
  const mended = new (require('node:module') as { Module: new (id: string) => NodeJS.Module }).Module(PARSE_SAX);
  mended.filename = PARSE_SAX;
  mended.loaded = true;
  mended.exports = parseSax;
  require.cache[PARSE_SAX] = mended;
}

export const ExcelJS = require('exceljs') as typeof ExcelJSModule;
