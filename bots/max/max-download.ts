/** What a resident sent us may be at most this big; larger files are refused before or while reading. */
export const MAX_INBOUND_FILE_BYTES = 10 * 1024 * 1024;

export type Downloaded = { readonly data: Buffer; readonly mime: string | null };
export type DownloadOutcome = Downloaded | 'too_large' | 'failed';
export type Download = (url: string, maxBytes: number) => Promise<DownloadOutcome>;

const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Fetches an attachment from MAX's storage (i.oneme.ru, fu.oneme.ru…), counting bytes as they arrive so a lying or
 * missing Content-Length cannot make us buffer more than `maxBytes`. The bot token is not sent: the URL is the grant.
 */
export function makeDownload(send: typeof fetch = globalThis.fetch): Download {
  return async (url, maxBytes) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return 'failed';
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return 'failed';
    try {
      const res = await send(target, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
      if (!res.ok || !res.body) return 'failed';
      if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
        await res.body.cancel();
        return 'too_large';
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel();
          return 'too_large';
        }
        chunks.push(Buffer.from(value));
      }
      const mime = res.headers.get('content-type')?.split(';')[0]?.trim() || null;
      return { data: Buffer.concat(chunks), mime };
    } catch {
      return 'failed';
    }
  };
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
  heic: 'image/heic', bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff', txt: 'text/plain',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The storage's Content-Type when it names one, else a guess from the file name. */
export function mimeOf(name: string, served: string | null): string {
  if (served && served !== 'application/octet-stream') return served;
  const extension = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[extension] ?? 'application/octet-stream';
}
