import { bytes, percent, rate } from './format.js';

/**
 * How a command speaks: plain lines for people, or one JSON object with `--json`; a progress
 * line on stderr only when it is a terminal.
 */
export class Output {
  json = false;
  #shown = false;

  /** Prints the command's result: `text` normally, `data` as JSON with `--json`. */
  result(data: object, text: string): void {
    this.endProgress();
    process.stdout.write(this.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
  }

  /** Replaces the progress line on stderr (terminals only, never with `--json`). */
  progress(text: string): void {
    if (this.json || process.stderr.isTTY !== true) return;
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
