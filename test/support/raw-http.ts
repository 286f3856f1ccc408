import { connect } from 'node:net';

export interface RawAnswer {
  /** The status code of the first status line, or undefined when the connection closed without one. */
  status: number | undefined;
  /** Everything received (up to the cap). */
  text: string;
}

/**
 * Sends bytes on a fresh TCP connection and reads the answer until the server closes or the first
 * response is complete enough to read its status line and headers. Never waits on a timer except
 * the bound that turns a silent server into a failure.
 */
export function rawRequest(port: number, bytes: string | Buffer, limitMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${limitMs} ms to ${JSON.stringify(String(bytes).slice(0, 120))}`));
    }, limitMs);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : undefined, text });
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.length > 65_536 || /\r\n\r\n/.test(text)) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(bytes);
  });
}
