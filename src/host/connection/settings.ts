import * as vscode from 'vscode';
import type { BackendKind } from '../../core/model';
import type { AzurePath, ProviderId, ProviderPreset } from '../../core/backends/providers';
import { isProviderId, PROVIDERS, resolveBaseUrl } from '../../core/backends/providers';

export interface ThreadlineSettings {
  provider: ProviderPreset;
  baseUrl: string;
  model: string;
  /** Dialect of new threads. */
  backend: BackendKind;
  organization: string | undefined;
  project: string | undefined;
  /** Azure: sent as the `api-version` query parameter when set (always on the deployments path). */
  azureApiVersion: string | undefined;
  /** Azure: which API is called; on 'deployments', the endpoint and deployment it needs. */
  azurePath: AzurePath;
  azureEndpoint: string | undefined;
  azureDeployment: string | undefined;
  /** Assistants v2: use this assistant instead of Threadline's own. */
  assistantId: string | undefined;
  /** The model's context window in tokens (0: unknown), for client-side `auto` truncation. */
  contextWindow: number;
}

const BACKENDS: readonly BackendKind[] = ['responses', 'assistants', 'chat'];

/**
 * Reads a setting from the user (global) scope only. The base URL receives the API key, and the
 * provider, Azure endpoint and organization/project decide where and how it is sent, so a
 * workspace's .vscode/settings.json must never change them — even if a future VS Code ignored
 * the `application` scope we declare.
 */
function userValue(config: vscode.WorkspaceConfiguration, key: string): string | undefined {
  const value = config.inspect<string>(key)?.globalValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The settings as last read, while cacheSettings() keeps them; undefined once any of them changes. */
let cached: ThreadlineSettings | undefined;
let caching = false;

/**
 * Keeps readSettings' answer until a Threadline setting changes: reading them asks VS Code for
 * every key's scopes (about a millisecond), and a send reads them several times on its way to the
 * first word. Activation registers it; the disposable ends it.
 */
export function cacheSettings(): vscode.Disposable {
  caching = true;
  const listener = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('threadline')) cached = undefined;
  });
  return new vscode.Disposable(() => {
    listener.dispose();
    caching = false;
    cached = undefined;
  });
}

export function readSettings(): ThreadlineSettings {
  if (!caching) return readSettingsNow();
  return (cached ??= readSettingsNow());
}

function readSettingsNow(): ThreadlineSettings {
  const config = vscode.workspace.getConfiguration('threadline');
  const providerId: ProviderId = ((v) => (isProviderId(v) ? v : 'openai'))(userValue(config, 'provider'));
  const provider = PROVIDERS[providerId];
  const backend = config.get<string>('backend');
  const azureDeployment = userValue(config, 'azure.deployment');
  const azureEndpoint = userValue(config, 'azure.endpoint');
  const azurePath: AzurePath = userValue(config, 'azure.path') === 'deployments' ? 'deployments' : 'v1';
  return {
    provider,
    baseUrl: resolveBaseUrl(providerId, userValue(config, 'baseUrl'), azureEndpoint, azurePath),
    // On Azure the deployment name is the model (on the deployments path it is also in the URL).
    model: (providerId === 'azure' ? azureDeployment : undefined) ?? (config.get<string>('model')?.trim() || 'gpt-4.1-mini'),
    backend: BACKENDS.includes(backend as BackendKind) ? (backend as BackendKind) : provider.defaultBackend,
    organization: userValue(config, 'organization'),
    project: userValue(config, 'project'),
    azureApiVersion: userValue(config, 'azure.apiVersion'),
    azurePath,
    azureEndpoint,
    azureDeployment,
    assistantId: config.get<string>('assistantId')?.trim() || undefined,
    contextWindow: Math.max(0, Math.floor(config.get<number>('contextWindow') ?? 0)),
  };
}

/** Writes a user-level setting (the palette's model and backend pickers). */
export function updateUserSetting(key: 'model' | 'backend', value: string): Thenable<void> {
  return vscode.workspace.getConfiguration('threadline').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Fires `listener` when any Threadline setting changes. */
export function onSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('threadline')) return;
    // Whichever listener VS Code calls first, none reads the settings from before the change.
    cached = undefined;
    listener();
  });
}
