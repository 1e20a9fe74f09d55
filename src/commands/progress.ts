// A one-line progress bar on a terminal (lines, MB, lines/s, ETA); plain periodic lines otherwise.
import type { WriteStream } from 'node:tty';
import type { ImportProgress as Progress } from '@tablero/ingest';

export function formatProgress(p: Progress): string {
  const pct = p.bytesTotal > 0 ? Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100)) : 0;
  const width = 24;
  const filled = Math.round((pct / 100) * width);
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
  const eta = p.etaSec === null ? '--' : `${Math.ceil(p.etaSec)}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${p.lines} lines ${mb(p.bytesDone)}/${mb(p.bytesTotal)} MB ${Math.round(p.linesPerSec)} lines/s ETA ${eta}`;
}

export class ProgressBar {
  private lastDraw = 0;
  private last: Progress | null = null;
  constructor(private readonly out: NodeJS.WriteStream | WriteStream) {}

  update(p: Progress): void {
    this.last = p;
    const now = Date.now();
    const interval = this.out.isTTY ? 100 : 2000;
    if (now - this.lastDraw < interval) return;
    this.lastDraw = now;
    this.draw(p);
  }

  private draw(p: Progress): void {
    if (this.out.isTTY) this.out.write(`\r${formatProgress(p)}\u001b[K`);
    else this.out.write(`${formatProgress(p)}\n`);
  }

  done(): void {
    if (this.last) this.draw(this.last);
    if (this.out.isTTY) this.out.write('\n');
  }
}
