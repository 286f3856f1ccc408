import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { abortReason } from './abort.js';

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Accept self-signed or otherwise untrusted certificates; default false. */
  insecure?: boolean;
  ca?: string | string[];
  /** The body is read up to this many bytes and the rest dropped; default 1 MiB. */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** True when the body was cut at `maxBodyBytes`. */
  truncated: boolean;
}

/**
 * One request on a fresh connection (`agent: false`, `Connection: close`): a health check measures the
 * real path to the service, and no keep-alive socket is left behind between runs. Abort destroys the
 * socket at any stage.
 */
export function sendRequest(
  url: string,
  options: HttpRequestOptions,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const target = new URL(url);
  const send =
    target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
  if (!send) return Promise.reject(new Error(`unsupported URL protocol "${target.protocol}" in ${url}`));
  const limit = options.maxBodyBytes ?? 1_048_576;
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = send(target, {
      method: options.method ?? 'GET',
      headers: { connection: 'close', accept: 'application/json, */*', ...options.headers },
      agent: false,
      signal,
      rejectUnauthorized: !options.insecure,
      ca: options.ca,
    });
    req.once('error', (error) => reject(signal.aborted ? abortReason(signal) : error));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (size + chunk.length > limit) {
          truncated = true;
          chunks.push(chunk.subarray(0, limit - size));
          size = limit;
          res.destroy();
          finish();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      const finish = () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
        });
      res.once('end', finish);
      res.once('error', (error) => reject(signal.aborted ? abortReason(signal) : error));
    });
    req.end(options.body);
  });
}
