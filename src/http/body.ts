import type { IncomingMessage } from 'node:http';

/** Largest request body a statuskit route reads (admin endpoints take small JSON objects). */
export const MAX_BODY_BYTES = 16_384;

export class BodyError extends Error {
  override name = 'BodyError';
  constructor(
    message: string,
    /** 413 for a body that is too large, 400 for one that cannot be read. */
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Reads a node request body up to `maxBytes`; a larger one is refused (and the stream destroyed). */
export function readNodeBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(tooLarge(maxBytes));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', () => reject(new BodyError('the request body could not be read')));
  });
}

/**
 * The body reader adapters put on a request: the body a framework's parser already produced (an
 * object or text), or the raw stream, read once and only when a route that answers asks for it —
 * so requests that fall through to the app keep their bodies.
 */
export function nodeBodyReader(req: IncomingMessage, parsed?: unknown): () => Promise<unknown> {
  let read: Promise<unknown> | undefined;
  return () => {
    read ??=
      parsed !== undefined
        ? Promise.resolve(parsed)
        : req.readableEnded
          ? Promise.resolve(undefined)
          : readNodeBody(req);
    return read;
  };
}

export function tooLarge(maxBytes: number): BodyError {
  return new BodyError(`the body is larger than ${maxBytes} bytes`, 413);
}
