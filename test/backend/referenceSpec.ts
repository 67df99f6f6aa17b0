// The OpenAI spec the conformance checks use (shared/reference/openai-openapi.yaml, beside the
// repo), loaded once per test process. It is not part of the repo, so a checkout without it skips
// conformance instead of failing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { loadSpecValidator } from './openapi';
import type { SpecValidator } from './openapi';

// Tests run from the repo root; the reference folder sits beside the repo.
const SPEC_FILE = path.resolve(process.cwd(), '../shared/reference/openai-openapi.yaml');
let validator: SpecValidator | undefined;

/** The validator, or undefined when the spec is absent (for checks that add to others). */
export function referenceSpec(): SpecValidator | undefined {
  if (!fs.existsSync(SPEC_FILE)) return undefined;
  validator ??= loadSpecValidator(SPEC_FILE);
  return validator;
}

/** The validator, or undefined after marking the test skipped when the spec is absent. */
export function specOrSkip(t: TestContext): SpecValidator | undefined {
  const spec = referenceSpec();
  if (!spec) t.skip(`openai-openapi.yaml not found at ${SPEC_FILE}; conformance not checked`);
  return spec;
}

export function assertConforms(spec: SpecValidator, schema: string, value: unknown): void {
  assert.deepEqual(spec.check(schema, value), [], `${schema} does not match:\n${JSON.stringify(value, null, 1).slice(0, 1500)}`);
}
