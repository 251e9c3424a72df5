import type { Response } from 'express';

/** Types a browser may show inline; anything else downloads, so a resident's upload never runs as a page. */
const INLINE = new Set(['application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/gif']);

/**
 * A stored file (a statement, a resident's photo) as a response that cannot act as a page of our origin: inline only
 * for pictures and PDF, a sandboxing policy, no sniffing, no caching, no referrer.
 */
export function sendStoredFile(res: Response, file: { readonly name: string; readonly mime: string; readonly data: Buffer }): void {
  const inline = INLINE.has(file.mime);
  res.set({
    'Content-Type': inline ? file.mime : 'application/octet-stream',
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': "default-src 'none'; img-src 'self'; sandbox",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.send(file.data);
}
