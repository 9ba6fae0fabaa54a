/**
 * A delaying TCP relay for the end-to-end bench: listens on a free port of 127.0.0.1 and forwards
 * every connection to a target (nginx), holding each chunk `delayMs` in each direction, so a round
 * trip through it costs 2 × `delayMs` more than on loopback. Connection set-up is modelled too: a
 * client's first bytes reach the target no sooner than one round trip after it connected (what
 * the TCP handshake costs on a real link), so a tool that opens more connections pays for them.
 * No bandwidth limit: only latency. Bytes are counted each way (TCP payload, as a cross-check of
 * the server's log).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface RelayStats {
  /** Connections accepted. */
  connections: number;
  /** Bytes from clients to the target. */
  up: number;
  /** Bytes from the target to clients. */
  down: number;
}

export interface Relay {
  readonly port: number;
  /** `http://127.0.0.1:port/` */
  readonly url: string;
  readonly delayMs: number;
  /** Counters since the relay started (copy). */
  stats(): RelayStats;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** A FIFO of chunks each due at a time, written by one timer in order. */
class DelayLine {
  readonly #queue: { due: number; run: () => void }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #last = 0;

  /** Runs `run` at `due` (ms, performance.now()), never before anything queued earlier. */
  push(due: number, run: () => void): void {
    due = Math.max(due, this.#last);
    this.#last = due;
    this.#queue.push({ due, run });
    if (!this.#timer) this.#arm();
  }

  #arm(): void {
    const head = this.#queue[0];
    if (!head) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = performance.now();
      // A timer may fire a fraction of a millisecond early (it counts whole milliseconds).
      while (this.#queue.length > 0 && this.#queue[0].due <= now + 0.5) this.#queue.shift()!.run();
      this.#arm();
    }, Math.max(0, head.due - performance.now()));
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
  }
}

/** Forwards `src` to `dst` through a delay line; `notBefore` holds the first bytes back (handshake). */
function delayedPipe(src: Socket, dst: Socket, delayMs: number, notBefore: number, count: (n: number) => void): DelayLine {
  const line = new DelayLine();
  src.on('data', (chunk: Buffer) => {
    count(chunk.length);
    line.push(Math.max(performance.now(), notBefore) + delayMs, () => {
      if (!dst.destroyed && !dst.write(chunk)) {
        src.pause();
        dst.once('drain', () => src.resume());
      }
    });
  });
  src.on('end', () => line.push(Math.max(performance.now(), notBefore) + delayMs, () => dst.end()));
  return line;
}

/** Starts a relay to `targetPort` on 127.0.0.1 adding `delayMs` each way. */
export function startRelay(targetPort: number, delayMs: number): Promise<Relay> {
  const stats: RelayStats = { connections: 0, up: 0, down: 0 };
  const open = new Set<Socket>();
  const lines = new Set<DelayLine>();
  const server: Server = createServer((client) => {
    stats.connections++;
    const accepted = performance.now();
    const upstream = connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // The client believes it is connected now; on a real link it would be one round trip later.
    const up = delayedPipe(client, upstream, delayMs, accepted + 2 * delayMs, (n) => (stats.up += n));
    const down = delayedPipe(upstream, client, delayMs, 0, (n) => (stats.down += n));
    lines.add(up);
    lines.add(down);
    const done = () => {
      up.clear();
      down.clear();
      lines.delete(up);
      lines.delete(down);
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', done);
    upstream.on('error', done);
    client.on('close', () => setTimeout(done, 2 * delayMs + 10).unref());
    upstream.on('close', () => setTimeout(done, 2 * delayMs + 10).unref());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}/`,
        delayMs,
        stats: () => ({ ...stats }),
        close: () =>
          new Promise<void>((done) => {
            for (const l of lines) l.clear();
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
