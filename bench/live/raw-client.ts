import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A client-to-server text frame (masked, as RFC 6455 requires of clients). */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('bench client frames are short');
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i] ^ mask[i % 4];
  return frame;
}

const ENGINE_IO_PING = Buffer.from([0x81, 0x01, 0x32]);

/**
 * A minimal WebSocket client that only counts the bytes it receives: the clients must cost far
 * less than the server they load, or on a 2-core machine they, not the server, set the pace.
 */
export class RawClient {
  bytes = 0;
  private constructor(readonly socket: Socket) {}

  static open(
    port: number,
    path: string,
    onOpen: (client: RawClient) => void = () => {},
  ): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const client = new RawClient(socket);
      let handshaken = false;
      let head = '';
      socket.on('error', reject);
      socket.on('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      socket.on('data', (chunk: Buffer) => {
        if (!handshaken) {
          head += chunk.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end === -1) return;
          if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]));
          handshaken = true;
          client.bytes += head.length - end - 4;
          onOpen(client);
          resolve(client);
          return;
        }
        client.bytes += chunk.length;
        // engine.io pings every 25 s; answer, or socket.io drops the client mid-measurement.
        if (chunk.length < 64 && chunk.includes(ENGINE_IO_PING)) socket.write(maskedTextFrame('3'));
      });
    });
  }

  send(text: string): void {
    this.socket.write(maskedTextFrame(text));
  }

  destroy(): void {
    this.socket.destroy();
  }
}
