import { randomBytes } from 'node:crypto';

export type Part = { readonly name: string; readonly value: string } | { readonly name: string; readonly filename: string; readonly bytes: Buffer; readonly type?: string };

/** A multipart/form-data body with the parts in the order given (browsers send them in the form's order). */
export function multipart(parts: readonly Part[]): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = `----fp${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = 'value' in part
      ? `Content-Disposition: form-data; name="${part.name}"\r\n\r\n`
      : `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'text/plain'}\r\n\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\n${head}`, 'utf8'), 'value' in part ? Buffer.from(part.value, 'utf8') : part.bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(chunks)), contentType: `multipart/form-data; boundary=${boundary}` };
}
