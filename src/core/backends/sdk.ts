// The openai SDK, required on first use instead of imported: evaluating it was most of what
// loading the host bundle cost, and activation needs none of it (the first request does). The
// host bundle ships it as dist/openai.js beside itself (see esbuild.mjs). Everywhere else,
// modules take only types from 'openai' (`import type`, erased) and its values through `openai()`.
import type * as SdkValues from './sdkValues';

let loaded: typeof SdkValues | undefined;

export function openai(): typeof SdkValues {
  loaded ??= require('./sdkValues') as typeof SdkValues;
  return loaded;
}
