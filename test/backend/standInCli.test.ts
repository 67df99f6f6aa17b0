// The stand-in CLI (`npm run stand-in`): first stdout line is the base URL, then one line per request.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

// Bundled next to this file: out/test/backend/ → out/test/stand-in/cli.js.
const CLI = path.resolve(__dirname, '../stand-in/cli.js');

test('the CLI prints its base URL first, logs requests and exits on SIGTERM', async () => {
  const child = spawn(process.execPath, [CLI, '--api-key', 'sk-cli'], { env: { ...process.env, STAND_IN_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    assert.match(String(first.value), /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${first.value}/models?limit=1`, { headers: { authorization: 'Bearer sk-cli' } });
    assert.equal(res.status, 200);
    assert.equal((await lines.next()).value, 'GET /v1/models?limit=1');
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});
