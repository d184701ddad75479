/**
 * How much of a delivery's body is read: never more than the cap, and never a declared
 * length allocated up front.
 */

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

function declaredLength(contentLength: string | null): number | null {
  if (contentLength === null || !/^\d{1,15}$/.test(contentLength.trim())) return null;
  return Number(contentLength.trim());
}

/**
 * Reads a whole body of at most `maxBytes`. A Content-Length over the cap is refused
 * before anything is read; a body that grows past the cap while streaming is cancelled
 * at once. Either way the error is a BodyTooLargeError. Memory grows only with the bytes
 * that actually arrived: a declared length is never allocated up front, so a sender that
 * declares 30 MB and trickles bytes holds no more than it sent.
 */
export async function readBodyCapped(
  body: ReadableStream<Uint8Array> | null,
  contentLength: string | null,
  maxBytes: number,
): Promise<Uint8Array> {
  const declared = declaredLength(contentLength);
  if (declared !== null && declared > maxBytes) {
    if (body) await body.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  }
  if (!body) return new Uint8Array(0);

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.byteLength === 0) continue;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new BodyTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }

  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const whole = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}
