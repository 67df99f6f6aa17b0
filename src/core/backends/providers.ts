// Provider presets: where each kind of server listens by default, which dialect its threads
// speak unless the user picks another, and how it names the output-length limit.
import type { BackendKind } from '../model';

export type ProviderId = 'openai' | 'azure' | 'ollama' | 'lmstudio' | 'custom';

export interface ProviderPreset {
  id: ProviderId;
  label: string;
  /** Base URL including /v1; empty where the user must give one (Azure endpoint, custom). */
  baseUrl: string;
  defaultBackend: BackendKind;
  /** OpenAI counts reasoning tokens in max_completion_tokens; local servers only know max_tokens. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Local servers ignore the key, so none is needed (the SDK still sends a placeholder). */
  keyRequired: boolean;
}

export const PROVIDERS: Record<ProviderId, ProviderPreset> = {
  openai: { id: 'openai', label: 'OpenAI', baseUrl: 'https://api.openai.com/v1', defaultBackend: 'responses', maxTokensField: 'max_completion_tokens', keyRequired: true },
  azure: { id: 'azure', label: 'Azure OpenAI', baseUrl: '', defaultBackend: 'responses', maxTokensField: 'max_completion_tokens', keyRequired: true },
  ollama: { id: 'ollama', label: 'Ollama', baseUrl: 'http://localhost:11434/v1', defaultBackend: 'chat', maxTokensField: 'max_tokens', keyRequired: false },
  lmstudio: { id: 'lmstudio', label: 'LM Studio', baseUrl: 'http://localhost:1234/v1', defaultBackend: 'chat', maxTokensField: 'max_tokens', keyRequired: false },
  custom: { id: 'custom', label: 'Custom OpenAI-compatible server', baseUrl: '', defaultBackend: 'chat', maxTokensField: 'max_tokens', keyRequired: false },
};

export const BACKEND_LABELS: Record<BackendKind, string> = {
  responses: 'Conversations + Responses',
  assistants: 'Assistants v2',
  chat: 'Chat Completions (threads kept locally)',
};

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && value in PROVIDERS;
}

/** Which Azure OpenAI API: the v1 path, or the deployment paths with `api-version`. */
export type AzurePath = 'v1' | 'deployments';

/**
 * Azure's OpenAI v1 path: `https://<resource>.openai.azure.com/openai/v1`. The deployment API
 * (`/openai/deployments/<name>/…?api-version=…`) lives under `azureDeploymentsBaseUrl`; the SDK's
 * AzureOpenAI client builds those paths itself.
 */
export function azureBaseUrl(endpoint: string): string {
  const trimmed = endpoint.trim().replace(/\/+$/, '');
  return /\/openai\/v1$/.test(trimmed) ? trimmed : `${trimmed}/openai/v1`;
}

/** The root of Azure's deployment API, `{endpoint}/openai` (what AzureOpenAI prefixes its paths with). */
export function azureDeploymentsBaseUrl(endpoint: string): string {
  return `${endpoint.trim().replace(/\/+$/, '')}/openai`;
}

/** Where requests go: an explicit base URL wins, then the preset's. */
export function resolveBaseUrl(provider: ProviderId, explicitBaseUrl: string | undefined, azureEndpoint: string | undefined, azurePath: AzurePath = 'v1'): string {
  if (provider === 'azure' && azurePath === 'deployments') return azureEndpoint ? azureDeploymentsBaseUrl(azureEndpoint) : '';
  if (explicitBaseUrl) return explicitBaseUrl.replace(/\/+$/, '');
  if (provider === 'azure' && azureEndpoint) return azureBaseUrl(azureEndpoint);
  return PROVIDERS[provider].baseUrl;
}
