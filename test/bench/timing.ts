// The timing helper every `npm run bench` script prints with.
import { performance } from 'node:perf_hooks';

/** Runs `run` `repeat` times and prints the median under `label`; returns the last result. */
export async function time<T>(label: string, run: () => Promise<T>, repeat = 1, width = 52): Promise<T> {
  let result: T | undefined;
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    result = await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  console.log(`${label.padEnd(width)} ${median.toFixed(1).padStart(9)} ms${repeat > 1 ? ` (median of ${repeat})` : ''}`);
  return result as T;
}
