/**
 * nginx for the end-to-end bench: Debian's nginx in the foreground on a free port of 127.0.0.1,
 * serving a folder (started by the tests' helper), with an access log in a format of our own
 * that records, per request, the bytes nginx received ($request_length: request line and
 * headers) and sent ($bytes_sent: status line, headers, body and multipart framing), so both
 * tools' traffic is counted the same way, at the server.
 */
import { readFileSync, statSync } from 'node:fs';
import { NGINX, startNginx as startTestNginx } from '../test/helpers/nginx.js';

export { NGINX };

/** One line of the access log. */
export interface AccessRecord {
  status: number;
  method: string;
  uri: string;
  /** Bytes received: request line, headers (and body). */
  requestLength: number;
  /** Bytes sent: status line, headers, body. */
  bytesSent: number;
  /** Body bytes sent (multipart framing included). */
  bodyBytes: number;
  /** Connection serial number (distinct per TCP connection). */
  connection: number;
  /** The Range header, or '' without one. */
  range: string;
  userAgent: string;
}

export interface BenchNginx {
  readonly port: number;
  readonly url: string;
  /** A mark in the access log: the records after it are what {@link BenchNginx.since} returns. */
  mark(): number;
  since(mark: number): AccessRecord[];
  close(): Promise<void>;
}

const FORMAT = `'$status $request_method "$uri" $request_length $bytes_sent $body_bytes_sent $connection "$http_range" "$http_user_agent"'`;
const LINE = /^(\d+) (\S+) "([^"]*)" (\d+) (\d+) (\d+) (\d+) "([^"]*)" "([^"]*)"$/;

export function parseAccessLog(text: string): AccessRecord[] {
  const out: AccessRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`nginx access log: unexpected line: ${line}`);
    out.push({
      status: Number(m[1]),
      method: m[2],
      uri: m[3],
      requestLength: Number(m[4]),
      bytesSent: Number(m[5]),
      bodyBytes: Number(m[6]),
      connection: Number(m[7]),
      range: m[8] === '-' ? '' : m[8],
      userAgent: m[9],
    });
  }
  return out;
}




/**
 * Starts nginx serving `root` (one worker, sendfile, keep-alive, no limit on ranges per request:
 * Debian's defaults otherwise). It is killed after `lifetimeMs` if not closed before.
 */
export async function startNginx(root: string, lifetimeMs: number): Promise<BenchNginx> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx)');
  const nginx = await startTestNginx(root, lifetimeMs, { logFormat: FORMAT });
  return {
    port: nginx.port,
    url: nginx.url,
    mark: () => statSync(nginx.accessLog).size,
    since: (mark) => parseAccessLog(readFileSync(nginx.accessLog).subarray(mark).toString('utf8')),
    close: () => nginx.close(),
  };
}
