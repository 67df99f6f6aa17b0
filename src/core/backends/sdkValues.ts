// The SDK's values Threadline uses, and the entry of the lazily loaded dist/openai.js (see
// sdk.ts): bundled from here, it holds these and what they need rather than the whole SDK.
export { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AzureOpenAI, NotFoundError, OpenAI, OpenAIError, toStreamingFile } from 'openai';
