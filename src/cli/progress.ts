/**
 * Progress for long runs on a terminal: inputs done, inputs/s and ETA on stderr, redrawn in
 * place. Nothing at all in CI, when piped, or for short runs. An NDJSON run has no total
 * (its lines are counted as they are read): then the count and rate only, once past 20.
 */
export class Progress {
  private readonly enabled: boolean;
  private done_ = 0;
  private readonly start = performance.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly total: number | undefined,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.stream = stream;
    this.enabled = (total === undefined || total >= 20) && stream.isTTY === true && !process.env.CI && !process.env.GITHUB_ACTIONS && process.env.TERM !== 'dumb';
  }

  private readonly stream: NodeJS.WriteStream;

  tick(file: string): void {
    this.done_++;
    if (!this.enabled || (this.total === undefined && this.done_ < 20)) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && (this.total === undefined || this.done_ < this.total)) return;
    this.lastDraw = now;
    const secs = (now - this.start) / 1000;
    const rate = this.done_ / Math.max(secs, 0.001);
    const name = file.length > 40 ? '…' + file.slice(-39) : file;
    if (this.total === undefined) {
      this.drawn = true;
      this.stream.write(`\r\x1b[2K${this.done_} inputs · ${rate.toFixed(0)} inputs/s · ${name}`);
      return;
    }
    const eta = (this.total - this.done_) / Math.max(rate, 0.001);
    this.drawn = true;
    this.stream.write(`\r\x1b[2K${this.done_}/${this.total} files · ${rate.toFixed(0)} files/s · ETA ${eta.toFixed(0)} s · ${name}`);
  }

  /** Take the line away before other output on the terminal (the text report, printed as files are done); the next tick draws it again. */
  clear(): void {
    if (!this.drawn) return;
    this.drawn = false;
    this.stream.write('\r\x1b[2K');
  }

  done(): void {
    if (this.enabled && (this.total !== undefined || this.done_ >= 20)) this.stream.write('\r\x1b[2K');
  }
}
