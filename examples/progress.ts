/**
 * A terminal progress bar for the examples: drawn on stderr when it is a terminal, silent
 * otherwise (CI logs and pipes stay clean). Pass it as an `onProgress` callback.
 */
export function progressBar(label: string, width = 30): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  const start = performance.now();
  return (done, total) => {
    if (!tty) return;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const fill = Math.round(frac * width);
    const secs = ((performance.now() - start) / 1000).toFixed(1);
    process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${secs} s`);
    if (done >= total) process.stderr.write('\n');
  };
}
