import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ASSISTANTS_MIN_TOKEN_LIMIT, tokenLimitProblem } from '../../src/core/context/limitRules';

describe('token limits as typed', () => {
  test('empty means no limit, in every dialect', () => {
    for (const dialect of ['responses', 'assistants', 'chat'] as const) assert.equal(tokenLimitProblem('  ', dialect), undefined);
  });

  test('anything but a whole number above 0 is refused', () => {
    for (const typed of ['0', '-5', '12.5', 'lots', '1e3']) assert.deepEqual(tokenLimitProblem(typed, 'responses'), { kind: 'notANumber' }, typed);
  });

  test('Assistants v2 refuses limits below 256 as they are typed; the other dialects take them', () => {
    assert.deepEqual(tokenLimitProblem('255', 'assistants'), { kind: 'belowMinimum', min: ASSISTANTS_MIN_TOKEN_LIMIT });
    assert.equal(tokenLimitProblem('256', 'assistants'), undefined);
    assert.equal(tokenLimitProblem(' 4000 ', 'assistants'), undefined);
    assert.equal(tokenLimitProblem('16', 'responses'), undefined);
    assert.equal(tokenLimitProblem('16', 'chat'), undefined);
  });
});
