import { bytes, rate } from './format.js';

/**
 * How a command speaks: plain lines for people, or one JSON object with `--json`; a progress
 * line on stderr only when it is a terminal.
 */
export class Output {
  json = false;
  /** `--quiet`: no progress line and no warnings. */
  quiet = false;

  /** A warning on stderr (never on stdout, so `--json` output stays one object). */
  warn(message: string): void {
    if (this.quiet) return;
    this.endProgress();
    process.stderr.write(`deltasync: warning: ${message}\n`);
  }

  /** Reports a failure: one line on stderr, or with `--json` one object on stdout (code, message, file). */
  error(message: string, code: string, file: string | undefined): void {
    this.endProgress();
    if (this.json) process.stdout.write(`${JSON.stringify({ error: { code, message, file: file ?? null } })}\n`);
    else process.stderr.write(`deltasync: ${message}\n`);
  }

  /** Prints the command's result: `text` normally, `data` as JSON with `--json`. */
  result(data: object, text: string): void {
    this.endProgress();
    process.stdout.write(this.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
  }

  /** Whether progress is shown: on a terminal, without `--json` or `--quiet`. */
  get showsProgress(): boolean {
    return !this.json && !this.quiet && process.stderr.isTTY === true;
  }

  #barModule: typeof import('cli-progress') | undefined;
  #bar: import('cli-progress').SingleBar | undefined;
  #barLabel = '';

  /** Loads the progress bar library, only when progress will be shown (it costs start-up time otherwise). */
  async prepareProgress(): Promise<void> {
    if (this.showsProgress) this.#barModule ??= (await import('cli-progress')).default;
  }

  /**
   * A progress callback that shows a bar on stderr: `label [████░░░░] 45% | 4.5 GiB of 10.0 GiB |
   * 310.2 MB/s | ETA 17s`. Nothing is shown off a terminal, with `--json` or with `--quiet`.
   */
  reporter(label: string): (done: number, total: number) => void {
    const started = performance.now();
    let shownAt = -Infinity;
    return (done, total) => {
      const cli = this.#barModule;
      if (!cli || !this.showsProgress) return;
      const now = performance.now();
      if (now - shownAt < 100 && done < total) return;
      shownAt = now;
      if (!this.#bar || this.#barLabel !== label) {
        this.endProgress();
        this.#bar = new cli.SingleBar(
          {
            format: `${label} [{bar}] {percentage}% | {done} of {size} | {speed} | ETA {eta_formatted}`,
            stream: process.stderr,
            clearOnComplete: true,
            hideCursor: false,
            barsize: 24,
            etaBuffer: 50,
            noTTYOutput: false,
          },
          cli.Presets.shades_classic,
        );
        this.#barLabel = label;
        this.#bar.start(Math.max(total, 1), 0, { done: bytes(0), size: bytes(total), speed: rate(0, 1) });
      }
      this.#bar.setTotal(Math.max(total, 1));
      this.#bar.update(done, { done: bytes(done), size: bytes(total), speed: rate(done, now - started) });
    };
  }

  /** Clears any progress bar. */
  endProgress(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
