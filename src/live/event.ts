import type { Disclosure } from '../access/types.js';

/** Produces an event's data as JSON text for one disclosure tier. */
export type RenderJson = (disclosure: Disclosure) => string;

interface Encodings {
  json: string;
  frame?: Buffer;
  sse?: Buffer;
}

const SHARED_KEY = '*';

/**
 * One message of a topic. Its data is serialized once per disclosure tier (once in all for topics
 * that look the same to every tier), and each wire form — a complete WebSocket frame, an SSE
 * chunk — is built once and then written to every subscriber as the same bytes.
 */
export class LiveEvent {
  private readonly encodings = new Map<string, Encodings>();

  constructor(
    readonly topic: string,
    readonly id: number,
    private readonly render: RenderJson,
    /** Whether the data differs by tier (the status document does; vitals do not). */
    private readonly perTier: boolean,
  ) {}

  /** An event whose data is the same for every tier. */
  static shared(topic: string, id: number, data: unknown): LiveEvent {
    const json = JSON.stringify(data) ?? 'null';
    return new LiveEvent(topic, id, () => json, false);
  }

  json(disclosure: Disclosure): string {
    return this.encodingsFor(disclosure).json;
  }

  /** The WebSocket message text: `{"topic":..,"id":..,"data":..}`. */
  message(disclosure: Disclosure): string {
    return `{"topic":${JSON.stringify(this.topic)},"id":${this.id},"data":${this.json(disclosure)}}`;
  }

  /** A whole unmasked text frame (header + payload) in one buffer, written as-is to server sockets. */
  frame(disclosure: Disclosure): Buffer {
    const encodings = this.encodingsFor(disclosure);
    if (!encodings.frame) encodings.frame = frameText(this.message(disclosure));
    return encodings.frame;
  }

  /** `id:`, `event:` and `data:` lines; JSON.stringify never emits raw newlines, so one `data:` line. */
  sse(disclosure: Disclosure): Buffer {
    const encodings = this.encodingsFor(disclosure);
    if (!encodings.sse) {
      encodings.sse = Buffer.from(`id: ${this.id}\nevent: ${this.topic}\ndata: ${encodings.json}\n\n`);
    }
    return encodings.sse;
  }

  private encodingsFor(disclosure: Disclosure): Encodings {
    const key = this.perTier ? disclosure.key : SHARED_KEY;
    let encodings = this.encodings.get(key);
    if (!encodings) {
      encodings = { json: this.render(disclosure) };
      this.encodings.set(key, encodings);
    }
    return encodings;
  }
}

/**
 * An unmasked, unfragmented text frame (RFC 6455 §5.2), as a server sends it: FIN + opcode 1, then
 * the payload length in 7, 7+16 or 7+64 bits. Built here rather than through ws's undeclared
 * `Sender.frame`, so the bytes do not depend on a private API.
 */
export function frameText(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, headerLength, 'utf8');
  return frame;
}
