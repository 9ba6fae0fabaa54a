import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's nginx package puts the binary. */
export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/**
 * Why nginx tests cannot run here, or `undefined` when they can. In CI (`CI` set) a missing nginx
 * is a failure: call this in the test and `assert.fail` on it, so the run does not pass silently.
 */
export function nginxMissing(): string | undefined {
  return NGINX ? undefined : 'nginx is not installed (apt-get install nginx)';
}

/** The `skip` option of a test that needs nginx: skipped where it is missing, except in CI, where the test runs and fails. */
export function skipWithoutNginx(): string | false {
  const why = nginxMissing();
  return why && !process.env.CI ? why : false;
}

/** A running nginx. */
export interface Nginx {
  /** `http://127.0.0.1:port/`, serving the folder. */
  readonly url: string;
  readonly port: number;
  /** The access log's path. */
  readonly accessLog: string;
  /** Its error log so far (for failure messages). */
  errorLog(): Promise<string>;
  /** Stops it (SIGTERM, then SIGKILL after a time limit) and removes its files. */
  close(): Promise<void>;
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port, or rejects after `ms`. */
export async function waitForPort(port: number, ms: number, alive: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`the server on port ${port} exited before it listened`);
    if (Date.now() > until) throw new Error(`nothing listens on port ${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends SIGTERM, then SIGKILL if the child has not exited within `ms`; resolves when it has exited. */
export function stopChild(child: ChildProcess, ms = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts Debian's nginx in the foreground, as one process, on a free port of 127.0.0.1, serving
 * `root`, with its own temporary prefix, config, pid and log files. It is killed after
 * `lifetimeMs` (default 120 s) if the test has not closed it.
 */
export async function startNginx(root: string, lifetimeMs = 120_000, options: NginxOptions = {}): Promise<Nginx> {
  if (!NGINX) throw new Error(nginxMissing());
  const prefix = await realpath(await mkdtemp(join(tmpdir(), 'deltasync-nginx-')));
  const port = await freePort();
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  ${options.logFormat ? `log_format custom ${options.logFormat};\n  access_log ${prefix}/access.log custom;` : `access_log ${prefix}/access.log;`}
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
  await writeFile(join(prefix, 'access.log'), '');
  const child = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: lifetimeMs,
    killSignal: 'SIGKILL',
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const errorLog = () => readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
  const close = async () => {
    await stopChild(child);
    await rm(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 10_000, () => child.exitCode === null && child.signalCode === null);
  } catch (err) {
    const log = `${stderr}${await errorLog()}`.trim();
    await close();
    throw new Error(`nginx did not start: ${(err as Error).message}${log ? `: ${log}` : ''}`);
  }
  return { url: `http://127.0.0.1:${port}/`, port, accessLog: join(prefix, 'access.log'), errorLog, close };
}

/** Options of {@link startNginx}. */
export interface NginxOptions {
  /** An nginx `log_format` string (quoted) for the access log; nginx's default format otherwise. */
  logFormat?: string;
}
