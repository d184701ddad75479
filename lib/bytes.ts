/**
 * Bytes that arrive from outside: strict Base64 and bodies read under a cap. No imports of
 * the portal's own modules: the simulator loads this file with Node's type stripping.
 */

/**
 * Strict standard base64: the 64-letter alphabet only, no whitespace, padded to a
 * multiple of 4, at most two '=' and only at the end, and zero bits where the last
 * letter has more bits than the data needs (so every byte string has exactly one
 * accepted encoding). Buffer.from(s, "base64") alone would silently skip anything it
 * does not understand, hence the comparison after it. The empty string is refused.
 */
export function decodeStrictBase64(text: string): Buffer | null {
  const length = text.length;
  if (length === 0 || length % 4 !== 0) return null;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  // Decode, then encode again: the text is the strict encoding exactly when it is what
  // Node's encoder writes for those bytes (alphabet, padding, zero bits). All native: a
  // character loop in JavaScript, or a regular expression, over 270 KB of Base64 cost a
  // delivery more than decoding it (see docs/deliveries.md).
  const bytes = Buffer.from(text, "base64");
  return bytes.byteLength === (length / 4) * 3 - padding && bytes.toString("base64") === text ? bytes : null;
}

export class BodyTooLargeError extends Error {
  // A plain field, not a parameter property: Node's type stripping only removes types.
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes.`);
    this.name = "BodyTooLargeError";
    this.maxBytes = maxBytes;
  }
}

/** A web stream (a fetch Request or Response body) or any async source of chunks (a Node request). */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export type ReadCappedOptions = {
  /**
   * "refuse" (the default): more than the cap is a BodyTooLargeError. "truncate": the
   * first `maxBytes` bytes are returned and the rest is not read.
   */
  overflow?: "refuse" | "truncate";
};

function declaredLength(contentLength: string | null): number | null {
  if (contentLength === null || !/^\d{1,15}$/.test(contentLength.trim())) return null;
  return Number(contentLength.trim());
}

/** One way to pull chunks and to stop early, whichever kind of source it is. */
function chunksOf(body: ByteSource): { next(): Promise<IteratorResult<Uint8Array>>; stop(): Promise<void> } {
  if ("getReader" in body) {
    const reader = body.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      async stop() {
        await reader.cancel().catch(() => undefined);
      },
    };
  }
  const iterator = body[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    async stop() {
      await iterator.return?.()?.catch(() => undefined);
    },
  };
}

/**
 * The one body reader with a cap. Reads a whole body of at most `maxBytes`. A
 * Content-Length over the cap is refused before anything is read; a body that grows past
 * the cap while streaming is stopped at once (a web stream is cancelled; a Node request,
 * passed as `req.iterator({ destroyOnReturn: false })`, is left for its caller to drain
 * or close). Either way the error is a BodyTooLargeError. Memory grows only with the
 * bytes that actually arrived: a declared length is never allocated up front, so a sender
 * that declares 30 MB and trickles bytes holds no more than it sent.
 */
export async function readBodyCapped(
  body: ByteSource | null,
  contentLength: string | null,
  maxBytes: number,
  { overflow = "refuse" }: ReadCappedOptions = {},
): Promise<Uint8Array> {
  const declared = declaredLength(contentLength);
  if (overflow === "refuse" && declared !== null && declared > maxBytes) {
    if (body) await chunksOf(body).stop();
    throw new BodyTooLargeError(maxBytes);
  }
  if (!body) return new Uint8Array(0);

  const chunks: Uint8Array[] = [];
  let total = 0;
  const source = chunksOf(body);
  for (;;) {
    const { done, value } = await source.next();
    if (done) break;
    if (value.byteLength === 0) continue;
    const room = maxBytes - total;
    if (value.byteLength > room) {
      await source.stop();
      if (overflow === "refuse") throw new BodyTooLargeError(maxBytes);
      chunks.push(value.subarray(0, room));
      total = maxBytes;
      break;
    }
    chunks.push(value);
    total += value.byteLength;
    if (overflow === "truncate" && total === maxBytes) {
      await source.stop();
      break;
    }
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
