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

  /** Clears any progress line. */
  endProgress(): void {
    if (this.#shown) process.stderr.write('\r\x1b[2K');
    this.#shown = false;
  }
}
