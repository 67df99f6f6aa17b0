// The client-side token estimator and the prompt budget Chat Completions threads are trimmed to.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countTextTokens, estimateMessageTokens, fitNewest, IMAGE_TOKENS, MAX_DEFAULT_COMPLETION_RESERVE, promptBudget, TOKENS_PER_MESSAGE } from '../../src/core/context/tokens';

describe('token estimates', () => {
  test('counts follow the o200k_base encoding and grow with the text', () => {
    assert.equal(countTextTokens(''), 0);
    assert.equal(countTextTokens('hello world'), 2);
    const sentence = 'The quick brown fox jumps over the lazy dog. ';
    const one = countTextTokens(sentence);
    const ten = countTextTokens(sentence.repeat(10));
    assert.ok(one > 5 && one < 15, `one sentence: ${one}`);
    assert.ok(ten > 9 * one && ten <= 10 * one + 1, `ten sentences: ${ten} vs ${one}`);
    // Code and other scripts cost more per character than English prose.
    assert.ok(countTextTokens('const x = arr.map((v) => v * 2);') > countTextTokens('const'));
    assert.ok(countTextTokens('日本語のテキストです') > 1);
  });

  test('pasted special-token strings count as text instead of throwing', () => {
    assert.ok(countTextTokens('end <|endoftext|> here') > 3);
  });

  test('a message costs its content plus framing; an image a flat amount', () => {
    assert.equal(estimateMessageTokens(''), TOKENS_PER_MESSAGE);
    assert.equal(estimateMessageTokens('hello world'), TOKENS_PER_MESSAGE + 2);
    assert.equal(estimateMessageTokens([{ type: 'text', text: 'hello world' }]), estimateMessageTokens('hello world'));
    assert.equal(estimateMessageTokens([{ type: 'text', text: 'hello world' }, { type: 'image_url' }]), TOKENS_PER_MESSAGE + 2 + IMAGE_TOKENS);
  });
});

describe('prompt budget', () => {
  test('no limits, or a window without auto truncation, bound nothing', () => {
    assert.equal(promptBudget(undefined, undefined), undefined);
    assert.equal(promptBudget({}, 8192), undefined);
    assert.equal(promptBudget({ maxCompletionTokens: 100 }, 8192), undefined);
    assert.equal(promptBudget({ truncation: { type: 'last_messages', lastMessages: 4 } }, 8192), undefined);
    assert.equal(promptBudget({ truncation: { type: 'auto' } }, undefined), undefined, 'auto needs a known window');
  });

  test('maxPromptTokens applies as given', () => {
    assert.deepEqual(promptBudget({ maxPromptTokens: 1000 }, undefined), { tokens: 1000, source: 'maxPromptTokens' });
    assert.deepEqual(promptBudget({ maxPromptTokens: 1000, truncation: { type: 'last_messages', lastMessages: 2 } }, 8192), { tokens: 1000, source: 'maxPromptTokens' });
  });

  test('auto truncation keeps the prompt within the window, less room for the reply', () => {
    assert.deepEqual(promptBudget({ truncation: { type: 'auto' }, maxCompletionTokens: 1000 }, 8192), { tokens: 7192, source: 'contextWindow' });
    // No completion limit: a quarter of a small window is kept for the reply…
    assert.deepEqual(promptBudget({ truncation: { type: 'auto' } }, 4096), { tokens: 3072, source: 'contextWindow' });
    // …but never more than a fixed reserve in a large one.
    assert.deepEqual(promptBudget({ truncation: { type: 'auto' } }, 128_000), { tokens: 128_000 - MAX_DEFAULT_COMPLETION_RESERVE, source: 'contextWindow' });
    assert.deepEqual(promptBudget({ truncation: { type: 'auto' }, maxCompletionTokens: 9000 }, 8192), { tokens: 0, source: 'contextWindow' });
  });

  test('with both, the tighter one wins and is named', () => {
    assert.deepEqual(promptBudget({ maxPromptTokens: 500, truncation: { type: 'auto' } }, 8192), { tokens: 500, source: 'maxPromptTokens' });
    assert.deepEqual(promptBudget({ maxPromptTokens: 50_000, truncation: { type: 'auto' }, maxCompletionTokens: 192 }, 8192), { tokens: 8000, source: 'contextWindow' });
  });
});

describe('fitNewest', () => {
  const cost = (n: number) => n;

  test('drops the oldest until the rest fits beside what is required', () => {
    assert.deepEqual(fitNewest([10, 20, 30, 40], 5, 80, cost), { kept: [30, 40], dropped: [10, 20], tokens: 75 });
  });

  test('keeps everything when it fits, exactly at the budget too', () => {
    assert.deepEqual(fitNewest([10, 20], 5, 35, cost), { kept: [10, 20], dropped: [], tokens: 35 });
  });

  test('stops at the first message that does not fit, so no holes open in the conversation', () => {
    // 5 would still fit after dropping 50, but keeping it would skip the message between.
    assert.deepEqual(fitNewest([5, 50, 10], 0, 20, cost), { kept: [10], dropped: [5, 50], tokens: 10 });
  });

  test('drops all history when only the required part fits', () => {
    assert.deepEqual(fitNewest([1, 2, 3], 10, 10, cost), { kept: [], dropped: [1, 2, 3], tokens: 10 });
    assert.deepEqual(fitNewest([], 10, 100, cost), { kept: [], dropped: [], tokens: 10 });
  });
});
