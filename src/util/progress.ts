/** Called with bytes done and bytes in all, a few times a second and once at the end. */
export type ProgressCallback = (done: number, total: number) => void;

/** A byte counter in shared memory: worker threads add to it, the calling thread reports it. */
export function progressCounter(): BigInt64Array {
  return new BigInt64Array(new SharedArrayBuffer(8));
}

/** Adds `bytes` to a counter from {@link progressCounter}; a no-op without one. */
export function addProgress(counter: BigInt64Array | undefined, bytes: number): void {
  if (counter) Atomics.add(counter, 0, BigInt(bytes));
}

/**
 * Reports `counter` to `callback` every `intervalMs` until the returned function is called:
 * `stop(true)` reports once more with everything done, `stop(false)` (after a failure) just
 * stops. Later calls do nothing. Without a callback nothing is scheduled.
 */
export function reportProgress(
  counter: BigInt64Array,
  total: number,
  callback: ProgressCallback | undefined,
  intervalMs = 200,
): (completed: boolean) => void {
  if (!callback) return () => {};
  const report = () => {
    try {
      callback(Math.min(total, Number(Atomics.load(counter, 0))), total);
    } catch {
      // A failing progress display must not fail (or crash) the work it reports on.
    }
  };
  const timer = setInterval(report, intervalMs);
  timer.unref();
  let stopped = false;
  return (completed) => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    if (completed) callback(total, total);
  };
}

/** A progress callback that passes on at most one call per `intervalMs`; `end` always passes the last. */
export interface ThrottledProgress {
  (done: number, total: number): void;
  /** Reports `total` of `total`, once. */
  end(total: number): void;
}

/** Wraps `callback` (which may be absent) so that it is called a few times a second at most, and never throws. */
export function throttledProgress(callback: ProgressCallback | undefined, intervalMs = 200): ThrottledProgress {
  let last = -Infinity;
  let ended = false;
  const call = (done: number, total: number) => {
    try {
      callback?.(done, total);
    } catch {
      // A failing progress display must not fail the work it reports on.
    }
  };
  const report = (done: number, total: number) => {
    const now = performance.now();
    if (!callback || ended || now - last < intervalMs) return;
    last = now;
    call(done, total);
  };
  report.end = (total: number) => {
    if (ended) return;
    ended = true;
    call(total, total);
  };
  return report;
}
