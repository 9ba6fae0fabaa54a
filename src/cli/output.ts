import { bytes, percent, rate } from './format.js';

/**
 * How a command speaks: plain lines for people, or one JSON object with `--json`; a progress
 * line on stderr only when it is a terminal.
 */
export class Output {
  json = false;
  /** `--quiet`: no progress line and no warnings. */
  quiet = false;
  #shown = false;

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

  /** Replaces the progress line on stderr (terminals only, never with `--json`). */
  progress(text: string): void {
    if (this.json || this.quiet || process.stderr.isTTY !== true) return;
    process.stderr.write(`\r\x1b[2K${text}`);
    this.#shown = true;
  }

  /** A progress callback that shows `label: 45.0% of 10.0 GiB, 310.2 MB/s` on the progress line. */
  reporter(label: string): (done: number, total: number) => void {
    const started = performance.now();
    let shownAt = -Infinity;
    return (done, total) => {
      const now = performance.now();
      if (now - shownAt < 100 && done < total) return;
      shownAt = now;
      this.progress(`${label}: ${percent(done, total)} of ${bytes(total)}, ${rate(done, now - started)}`);
    };
  }

  /** Clears any progress line. */
  endProgress(): void {
    if (this.#shown) process.stderr.write('\r\x1b[2K');
    this.#shown = false;
  }
}
