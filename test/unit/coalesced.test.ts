import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { coalesced } from '../../src/core/coalesced';

describe('coalesced tasks', () => {
  test('calls during a run ask for exactly one more run, and wait for it', async () => {
    let runs = 0;
    let release!: () => void;
    const run = coalesced(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = run();
    const second = run();
    const third = run();
    assert.equal(runs, 1, 'one run at a time');
    release();
    await Promise.all([first, second, third]);
    assert.equal(runs, 2, 'the calls made during the first run share one more run');
    await run();
    assert.equal(runs, 3);
  });

  test('once stopped, nothing more runs', async () => {
    let runs = 0;
    let stopped = false;
    const run = coalesced(async () => void runs++, () => stopped);
    await run();
    stopped = true;
    await run();
    assert.equal(runs, 1);
  });
});
