import { describe, expect, it, vi } from "vitest";
import { BodyTooLargeError, decodeStrictBase64, readBodyCapped } from "./bytes";

/** A stream of the given chunks that records whether it was pulled past them or cancelled. */
function chunkStream(chunks: Uint8Array[]) {
  const state = { pulls: 0, cancelled: false };
  let index = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls++;
        const chunk = chunks[index++];
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

const filled = (length: number, value: number) => new Uint8Array(length).fill(value);

describe("readBodyCapped", () => {
  it("returns a body under the cap, in order, with and without Content-Length", async () => {
    const parts = [filled(3, 1), filled(4, 2), filled(5, 3)];
    const expected = [...parts.flatMap((part) => Array.from(part))];
    for (const contentLength of ["12", null]) {
      const { stream } = chunkStream(parts);
      const body = await readBodyCapped(stream, contentLength, 100);
      expect(Array.from(body)).toEqual(expected);
    }
  });

  it("returns an empty body for no stream", async () => {
    expect((await readBodyCapped(null, null, 10)).byteLength).toBe(0);
  });

  it("accepts a body of exactly the cap", async () => {
    const { stream } = chunkStream([filled(6, 7), filled(4, 8)]);
    const body = await readBodyCapped(stream, null, 10);
    expect(body.byteLength).toBe(10);
    expect(body[9]).toBe(8);
    const declared = chunkStream([filled(10, 9)]);
    expect((await readBodyCapped(declared.stream, "10", 10)).byteLength).toBe(10);
  });

  it("holds only the bytes that arrived when a sender declares 30 MB and trickles (no allocation up front)", async () => {
    const declaredMb = 30;
    let pulls = 0;
    let stalled: (() => void) | undefined;
    const trickle = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls <= 3) {
          controller.enqueue(new Uint8Array(1024).fill(pulls));
          return;
        }
        // Then nothing more for a while, as a slow-loris sender does.
        return new Promise<void>((resolve) => {
          stalled = () => {
            controller.close();
            resolve();
          };
        });
      },
    });
    global.gc?.();
    const before = process.memoryUsage();
    const reading = readBodyCapped(trickle, String(declaredMb * 1024 * 1024), declaredMb * 1024 * 1024);
    await vi.waitFor(() => expect(stalled).toBeDefined());
    const during = process.memoryUsage();
    const grownMb = (during.arrayBuffers - before.arrayBuffers) / 1024 / 1024;
    // The old reader allocated the whole declared length here (30 MB); now only what arrived (3 KB).
    expect(grownMb).toBeLessThan(5);
    console.info(
      `[memory] declared ${declaredMb} MB, 3 KB sent: arrayBuffers +${grownMb.toFixed(2)} MB, rss ${(before.rss / 1048576).toFixed(1)} -> ${(during.rss / 1048576).toFixed(1)} MB`,
    );
    stalled?.();
    expect((await reading).byteLength).toBe(3 * 1024);
  });

  it("refuses a Content-Length over the cap without reading", async () => {
    let pulled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull() {
          pulled = true;
          throw new Error("the body must not be read");
        },
      },
      { highWaterMark: 0 },
    );
    await expect(readBodyCapped(stream, "11", 10)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled).toBe(false);
  });

  it("cancels a stream as soon as it passes the cap without Content-Length", async () => {
    const { stream, state } = chunkStream([filled(6, 1), filled(6, 2), filled(6, 3), filled(6, 4)]);
    await expect(readBodyCapped(stream, null, 10)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBe(2);
  });

  it("cancels a stream that sends more than its Content-Length promised and the cap allows", async () => {
    const { stream, state } = chunkStream([filled(6, 1), filled(6, 2)]);
    await expect(readBodyCapped(stream, "6", 10)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(state.cancelled).toBe(true);
  });

  it("still reads a body longer than its Content-Length when it stays under the cap", async () => {
    const { stream } = chunkStream([filled(3, 1), filled(3, 2)]);
    expect(Array.from(await readBodyCapped(stream, "4", 10))).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it("ignores a Content-Length that is not a number", async () => {
    const { stream } = chunkStream([filled(3, 1)]);
    expect((await readBodyCapped(stream, "lots", 10)).byteLength).toBe(3);
  });
});

describe("readBodyCapped with overflow: truncate", () => {
  it("returns the first maxBytes bytes and stops reading", async () => {
    const { stream, state } = chunkStream([filled(6, 1), filled(6, 2), filled(6, 3)]);
    const body = await readBodyCapped(stream, "18", 8, { overflow: "truncate" });
    expect(Array.from(body)).toEqual([1, 1, 1, 1, 1, 1, 2, 2]);
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBe(2);
  });

  it("returns a shorter body whole", async () => {
    const { stream } = chunkStream([filled(3, 1)]);
    expect(Array.from(await readBodyCapped(stream, null, 8, { overflow: "truncate" }))).toEqual([1, 1, 1]);
  });
});

describe("readBodyCapped with an async iterable (a Node request)", () => {
  async function* chunks(parts: Uint8Array[]) {
    yield* parts;
  }

  it("reads it whole under the cap and refuses it over the cap", async () => {
    expect(Array.from(await readBodyCapped(chunks([filled(2, 1), filled(2, 2)]), null, 4))).toEqual([1, 1, 2, 2]);
    await expect(readBodyCapped(chunks([filled(3, 1), filled(3, 2)]), null, 4)).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
  });
});

describe("decodeStrictBase64", () => {
  it("decodes canonical base64 and refuses anything else", () => {
    expect(decodeStrictBase64("JVBERi0=")?.toString("latin1")).toBe("%PDF-");
    for (const text of ["", "JVBERi0", "JVBERi1=", "JVBE Ri0=", "JVBERi0=\n", "JVBERi-_"]) {
      expect(decodeStrictBase64(text)).toBeNull();
    }
  });
});
