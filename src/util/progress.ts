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
