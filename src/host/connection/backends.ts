// Builds the backend a thread's dialect needs from the current settings. Called per send, so a
// changed setting or key applies to the next request.
import type { Backend, ConnectionSettings } from '../../core/backends/backend';
import { AssistantsBackend } from '../../core/backends/assistantsBackend';
import { ChatCompletionsBackend } from '../../core/backends/chatCompletionsBackend';
import { ResponsesBackend } from '../../core/backends/responsesBackend';
import type { BackendKind } from '../../core/model';
import type { ApiKeyStore } from './apiKey';
import type { ThreadlineSettings } from './settings';

/** Local servers ignore the key but the SDK refuses an empty one. */
const PLACEHOLDER_KEY = 'threadline-no-key';

export function connectionFor(settings: ThreadlineSettings, apiKey: ApiKeyStore): ConnectionSettings {
  const connection: ConnectionSettings = {
    baseUrl: settings.baseUrl,
    getApiKey: async () => (await apiKey.get()) ?? (settings.provider.keyRequired ? undefined : PLACEHOLDER_KEY),
  };
  if (settings.organization) connection.organization = settings.organization;
  if (settings.project) connection.project = settings.project;
  if (settings.provider.id === 'azure' && settings.azurePath === 'deployments') {
    connection.azureDeployment = { endpoint: settings.azureEndpoint ?? '', deployment: settings.azureDeployment ?? '', apiVersion: settings.azureApiVersion ?? '' };
  } else if (settings.provider.id === 'azure') {
    connection.keyHeader = 'api-key';
    if (settings.azureApiVersion) connection.query = { 'api-version': settings.azureApiVersion };
  }
  return connection;
}

/** `fetch` replaces the global one for this backend's requests (the integration suite's seam). */
export function createBackend(kind: BackendKind, settings: ThreadlineSettings, apiKey: ApiKeyStore, fetch?: typeof globalThis.fetch): Backend {
  const connection = connectionFor(settings, apiKey);
  if (fetch) connection.fetch = fetch;
  switch (kind) {
    case 'responses':
      return new ResponsesBackend(connection);
    case 'chat':
      return new ChatCompletionsBackend(connection, {
        maxTokensField: settings.provider.maxTokensField,
        ...(settings.contextWindow ? { contextWindow: settings.contextWindow } : {}),
      });
    case 'assistants':
      return new AssistantsBackend(connection, settings.assistantId ? { assistantId: settings.assistantId } : {});
  }
}
