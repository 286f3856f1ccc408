import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * WebSocket clients on a bare TCP socket, for what a library client will not do: send malformed
 * frames, or send and never read. Frames the server sends are parsed only when asked for.
 */

/** A masked client frame; `flags` sets RSV bits, `fin` false leaves the message unfinished. */
export function maskedFrame(opcode: number, payload: Buffer, flags = 0, fin = true): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const first = (fin ? 0x80 : 0) | flags | opcode;
  const header =
    length < 126
      ? Buffer.from([first, 0x80 | length])
      : Buffer.from([first, 0x80 | 126, length >> 8, length & 0xff]);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, body]);
}

/** A frame header announcing 2^63 - 1 payload bytes (no payload follows). */
export function hugeLengthHeader(): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(2n ** 63n - 1n, 2);
  randomBytes(4).copy(header, 10);
  return header;
}

/** A raw TCP socket that has completed the WebSocket handshake; `rest` is what followed the 101. */
export function rawUpgrade(
  port: number,
  path = '/api/health/ws',
  headers: Record<string, string> = {},
): Promise<{ socket: Socket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', reject);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('error', reject);
      socket.on('error', () => {});
      const status = head.subarray(0, end).toString('latin1');
      if (!status.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(status.split('\r\n')[0]));
      } else resolve({ socket, rest: head.subarray(end + 4) });
    };
    socket.on('data', onData);
    const extra = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
  });
}

/**
 * The server's frames, parsed as they arrive; resolves with the close frame's status code (or
 * undefined when the connection ends without one). Reading resumes if it was paused.
 */
export function closeCodeOf(socket: Socket, already: Buffer = Buffer.alloc(0)): Promise<number | undefined> {
  return new Promise((resolve) => {
    let pending = already;
    const finish = (code: number | undefined) => {
      socket.removeAllListeners('data');
      socket.destroy();
      resolve(code);
    };
    const parse = () => {
      // Server frames are unmasked: skip whole frames until the close frame (opcode 8).
      for (;;) {
        const frame = nextFrame(pending);
        if (!frame) return;
        pending = pending.subarray(frame.end);
        if (frame.opcode === 0x8)
          return finish(frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      parse();
    });
    socket.once('close', () => finish(undefined));
    parse();
    socket.resume();
  });
}

function nextFrame(bytes: Buffer): { opcode: number; payload: Buffer; end: number } | undefined {
  if (bytes.length < 2) return undefined;
  let length = bytes[1] & 0x7f;
  let start = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = bytes.readUInt16BE(2);
    start = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Number(bytes.readBigUInt64BE(2));
    start = 10;
  }
  if (bytes.length < start + length) return undefined;
  return { opcode: bytes[0] & 0x0f, payload: bytes.subarray(start, start + length), end: start + length };
}
