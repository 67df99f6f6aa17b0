/**
 * What was thrown, as text: an Error's message, anything else as a string. For problems of the
 * library and the plumbing around it; an error that may have come from a server goes through
 * `describeError` (backends/errors.ts), which words it for the user and falls back to this.
 */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
