// Runtime guards for what crosses the webview bridge, built from a schema that names a check for
// every field of every message type. The schema's type is computed from the message union, so the
// compiler refuses one that misses a type or a field: a message cannot be added, or given a field,
// without its validation. A message passes only with a listed type, every field passing its check
// and no field the schema does not name.

/** A field's check. */
export type Check = (value: unknown) => boolean;

/**
 * `true` when the listed types and the union's types are the same; otherwise a sentence, which is
 * what the compiler shows when a message was added to one and not the other.
 */
export type SameTypes<Listed extends string, Declared extends string> = [Listed] extends [Declared]
  ? [Declared] extends [Listed]
    ? true
    : 'a message type is missing from its list'
  : 'a listed message type has no message';

/** Compiles only when `T` is `true` (e.g. a SameTypes that holds); otherwise shows what `T` says. */
export type Holds<T extends true> = T;

/** Each field of message `M` (its `type` aside) with its check; optional fields too. */
type FieldChecks<M> = { [F in Exclude<keyof M, 'type'>]-?: Check };

/** For every type in `Listed`, the checks of that message's fields. */
export type Schema<M extends { type: string }, Listed extends string> =
  SameTypes<Listed, M['type']> extends true ? { [K in Listed]: FieldChecks<Extract<M, { type: K }>> } : SameTypes<Listed, M['type']>;

export const isString: Check = (value) => typeof value === 'string';
export const isBoolean: Check = (value) => typeof value === 'boolean';
/** A 0-based position. */
export const isIndex: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
/** The id a request carries and its answer echoes (see webview-ui/src/requests.ts). */
export const isRequestId: Check = (value) => Number.isSafeInteger(value) && (value as number) > 0;
export const optional = (check: Check): Check => (value) => value === undefined || check(value);
export const oneOf = (values: readonly unknown[]): Check => (value) => values.includes(value);
export const arrayOf = (check: Check): Check => (value) => Array.isArray(value) && value.every(check);
/** A plain object with exactly `fields`, each passing its check. */
export const shape = (fields: Readonly<Record<string, Check>>): Check => (value) => isRecord(value) && fits(value, fields);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A guard for the messages whose types are `types`, their fields checked by `schema`. */
export function messageGuard<M extends { type: string }>(types: readonly M['type'][], schema: Readonly<Record<M['type'], Readonly<Record<string, Check>>>>): (value: unknown) => value is M {
  return (value): value is M => {
    if (!isRecord(value)) return false;
    const { type, ...fields } = value;
    return types.includes(type as M['type']) && fits(fields, schema[type as M['type']]);
  };
}

/** Every field named passes its check, and no other field is there. */
function fits(value: Record<string, unknown>, fields: Readonly<Record<string, Check>>): boolean {
  return Object.keys(value).every((key) => Object.hasOwn(fields, key)) && Object.entries(fields).every(([key, check]) => check(value[key]));
}
