// Context windows of OpenAI models whose size is published, so the context gauge can show how
// full a thread is without the user looking it up. `threadline.contextWindow` overrides this;
// anything not listed (local models, Azure deployment names) is unknown, never guessed.

/** Model-name prefixes (a dated snapshot like `gpt-4o-2024-08-06` matches `gpt-4o`), most specific first. */
const KNOWN_WINDOWS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['gpt-5', 400_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4.5', 128_000],
  ['gpt-4o', 128_000],
  ['chatgpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['gpt-4-1106-preview', 128_000],
  ['gpt-4-0125-preview', 128_000],
  ['gpt-4-32k', 32_768],
  ['gpt-4', 8_192],
  ['gpt-3.5-turbo', 16_385],
  ['o1-mini', 128_000],
  ['o1-preview', 128_000],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4-mini', 200_000],
];

/** The published context window of `model`, or undefined when it is not a known OpenAI model. */
export function knownContextWindow(model: string): number | undefined {
  const name = model.trim().toLowerCase();
  for (const [prefix, tokens] of KNOWN_WINDOWS) {
    // Only whole name segments: `gpt-4` must not claim `gpt-4.1` or `gpt-4o`.
    if (name === prefix || name.startsWith(`${prefix}-`)) return tokens;
  }
  return undefined;
}

/** Where a thread's window comes from: the setting wins, then the table. */
export function contextWindowFor(model: string, setting: number | undefined): { tokens: number; source: 'setting' | 'model' } | undefined {
  if (setting !== undefined && setting > 0) return { tokens: setting, source: 'setting' };
  const known = knownContextWindow(model);
  return known === undefined ? undefined : { tokens: known, source: 'model' };
}

/** The largest window listed: counting a thread no limit trims stops past it. */
export const LARGEST_KNOWN_WINDOW = Math.max(...KNOWN_WINDOWS.map(([, tokens]) => tokens));
