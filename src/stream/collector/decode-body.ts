import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export type DecodedBody = { ok: true; body: Buffer } | { ok: false; status: 413 | 415 | 400 };

/**
 * The request body as JSON text bytes. The RudderStack SDK gzips its batches by default; the
 * decoded size is capped too (`maxOutputLength`), so a small compressed bomb is refused with 413
 * instead of filling memory.
 */
export async function decodeBody(raw: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<DecodedBody> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw.length > maxBytes ? { ok: false, status: 413 } : { ok: true, body: raw };
  const decode = encoding === 'gzip' ? gunzipAsync : encoding === 'deflate' ? inflateAsync : undefined;
  if (!decode) return { ok: false, status: 415 };
  try {
    return { ok: true, body: await decode(raw, { maxOutputLength: maxBytes }) };
  } catch (error) {
    return { ok: false, status: (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 413 : 400 };
  }
}
