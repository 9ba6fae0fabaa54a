/**
 * nginx for the end-to-end bench: Debian's nginx in the foreground on a free port of 127.0.0.1,
 * serving a folder, with an access log in a format of our own that records, per request, the
 * bytes nginx received ($request_length: request line and headers) and sent ($bytes_sent: status
 * line, headers, body and multipart framing), so both tools' traffic is counted the same way, at
 * the server. (Like test/helpers/nginx.ts, which has no custom log; copied here so the bench does
 * not depend on the tests.)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { freePort, NGINX, stopChild, waitForPort } from '../test/helpers/nginx.js';

export { NGINX };
import { join } from 'node:path';


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
  const prefix = await mkdtemp(join(tmpdir(), 'deltasync-e2e-nginx-'));
  const port = await freePort();
  const log = join(prefix, 'access.log');
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  log_format wire ${FORMAT};
  access_log ${log} wire;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  default_type application/octet-stream;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / { }
  }
}
`;
  await writeFile(join(prefix, 'nginx.conf'), conf);
  await writeFile(log, '');
  const child = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: lifetimeMs,
    killSignal: 'SIGKILL',
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const close = async () => {
    await stopChild(child);
    await rm(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 10_000, () => child.exitCode === null && child.signalCode === null);
  } catch (err) {
    const errors = existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '';
    await close();
    throw new Error(`nginx did not start: ${(err as Error).message} ${stderr}${errors}`.trim());
  }
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    mark: () => statSync(log).size,
    since: (mark) => {
      const buf = readFileSync(log);
      return parseAccessLog(buf.subarray(mark).toString('utf8'));
    },
    close,
  };
}
