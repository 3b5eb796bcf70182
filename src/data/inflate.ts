/**
 * Streaming gzip decompression with the web-standard `DecompressionStream("gzip")`, which Deno,
 * Bun and Node all have. The compressed bytes are fed in `INFLATE_INPUT_CHUNK`-byte slices,
 * pulled only as the output is read, so a reader that stops early (a gzip bomb behind a small
 * declared size) stops the decompression too: no more than about
 * MAX_DEFLATE_RATIO * INFLATE_INPUT_CHUNK bytes are inflated past the point where it stopped.
 *
 * @module
 */
import { DataError } from "../errors.ts";

/**
 * Deflate's largest expansion: a 258-byte match coded in 2 bits is 1032 output bytes per input
 * byte, so n compressed bytes never hold more than 1032 n bytes.
 *
 * @example
 * ```ts
 * import { MAX_DEFLATE_RATIO } from "./inflate.ts";
 * console.log(MAX_DEFLATE_RATIO); // 1032
 * ```
 */
export const MAX_DEFLATE_RATIO = 1032;

/**
 * Compressed bytes handed to the decompressor per pull: at most 1032 times this (16.5 MiB)
 * comes out of one pull, and Node's zlib cuts even that into 16 KiB chunks. (1 KiB pulls made
 * Node's read of a 47 MB file about 6 times slower, 4 KiB pulls 2 times.)
 *
 * @example
 * ```ts
 * import { INFLATE_INPUT_CHUNK, MAX_DEFLATE_RATIO } from "./inflate.ts";
 * console.log(INFLATE_INPUT_CHUNK * MAX_DEFLATE_RATIO); // 16908288
 * ```
 */
export const INFLATE_INPUT_CHUNK = 16384;

/** The bytes of `bytes` in `INFLATE_INPUT_CHUNK`-byte slices, one per pull. */
function slices(bytes: Uint8Array): ReadableStream<BufferSource> {
  let at = 0;
  return new ReadableStream<BufferSource>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + INFLATE_INPUT_CHUNK)); // a copy: the stream owns it
      at += INFLATE_INPUT_CHUNK;
    },
  }, { highWaterMark: 0 });
}

/**
 * The decompressed chunks of the gzip stream `bytes`, in order. Corrupt or truncated input
 * becomes a {@link DataError} naming `name`. Stopping the iteration early (`break`, `return`,
 * a throw) cancels the decompression.
 *
 * @param bytes The compressed bytes.
 * @param name What the bytes are (a file path), for error messages.
 * @example
 * ```ts
 * import { inflateChunks } from "./inflate.ts";
 * const packed = new Uint8Array(
 *   await new Response(
 *     new Blob([new Uint8Array(10)]).stream().pipeThrough(new CompressionStream("gzip")),
 *   ).arrayBuffer(),
 * );
 * let total = 0;
 * for await (const chunk of inflateChunks(packed, "zeros.gz")) total += chunk.length;
 * console.log(total); // 10
 * ```
 */
export async function* inflateChunks(
  bytes: Uint8Array,
  name: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  // pipeThrough marks its own promise as handled; an error on either side rejects read().
  const reader = slices(bytes).pipeThrough(new DecompressionStream("gzip")).getReader();
  let done = false;
  try {
    while (true) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (e) {
        done = true;
        const why = e instanceof Error ? e.message : String(e);
        throw new DataError(`${name}: corrupt or truncated gzip data (${why})`);
      }
      if (step.done) {
        done = true;
        return;
      }
      if (step.value.length > 0) yield step.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
  }
}

/**
 * Decompresses a whole gzip stream with the web-standard `DecompressionStream("gzip")`, with
 * no size limit (for an IDX file, `gunzipIdx` (`idx.ts`) stops at the size its header declares).
 *
 * Corrupt or truncated input becomes a {@link DataError} naming `name`. The input is written
 * and the output read concurrently, so a truncated stream rejects instead of hanging.
 *
 * @param bytes The compressed bytes.
 * @param name What the bytes are (a file path), for error messages.
 * @returns The decompressed bytes.
 * @example
 * ```ts
 * import { gunzip } from "./inflate.ts";
 * const packed = new Uint8Array(
 *   await new Response(
 *     new Blob([new Uint8Array([1, 2, 3])]).stream().pipeThrough(new CompressionStream("gzip")),
 *   ).arrayBuffer(),
 * );
 * console.log(await gunzip(packed, "example")); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of inflateChunks(bytes, name)) {
    chunks.push(chunk);
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
