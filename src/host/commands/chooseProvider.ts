import * as vscode from 'vscode';
import { PROVIDERS } from '../../core/backends/providers';
import type { ProviderId } from '../../core/backends/providers';
import type { ApiKeyStore } from '../connection/apiKey';
import { readSettings } from '../connection/settings';
import type { Prompts } from '../prompts';

/**
 * `Threadline: Choose Provider`: OpenAI, Azure OpenAI, Ollama, LM Studio or any OpenAI-compatible
 * URL, written to user settings only (where the key may be sent is never a workspace's choice).
 * A preset with a known address clears an explicit base URL, which would otherwise win over it.
 * Then it offers what the provider still lacks: a key, a model. No argument: one from elsewhere
 * could redirect the key to another server.
 */
export function registerChooseProvider(apiKey: ApiKeyStore, prompts: () => Prompts): vscode.Disposable {
  return vscode.commands.registerCommand('threadline.chooseProvider', async () => {
    const provider = await pickProvider(prompts());
    if (!provider) return undefined;
    const config = vscode.workspace.getConfiguration('threadline');
    const user = vscode.ConfigurationTarget.Global;

    if (provider === 'custom') {
      const baseUrl = await askUrl(prompts(), vscode.l10n.t('Base URL of the OpenAI-compatible server, including /v1'), 'http://localhost:8000/v1', readSettings().baseUrl);
      if (!baseUrl) return undefined;
      await config.update('baseUrl', baseUrl, user);
    } else if (provider === 'azure') {
      const endpoint = await askUrl(prompts(), vscode.l10n.t('Your Azure OpenAI endpoint'), 'https://<resource>.openai.azure.com', config.get<string>('azure.endpoint'));
      if (!endpoint) return undefined;
      await config.update('azure.endpoint', endpoint, user);
      await config.update('baseUrl', undefined, user);
    } else {
      await config.update('baseUrl', undefined, user);
    }
    await config.update('provider', provider, user);
    await offerNextSteps(prompts(), provider, apiKey);
    return provider;
  });
}

async function pickProvider(prompts: Prompts): Promise<ProviderId | undefined> {
  const current = readSettings().provider.id;
  const items = Object.values(PROVIDERS).map((p) => ({
    id: p.id,
    label: p.label,
    description: p.baseUrl || (p.id === 'azure' ? vscode.l10n.t('your resource endpoint') : vscode.l10n.t('any URL')),
    detail: [p.keyRequired ? vscode.l10n.t('needs an API key') : vscode.l10n.t('no key needed'), p.id === current ? vscode.l10n.t('current') : ''].filter(Boolean).join(' · '),
  }));
  const picked = await prompts.pick(items, { title: vscode.l10n.t('Threadline: Choose Provider'), placeHolder: vscode.l10n.t('Where Threadline sends your messages') });
  return picked?.id;
}

function askUrl(prompts: Prompts, prompt: string, placeHolder: string, value: string | undefined): Thenable<string | undefined> {
  return prompts.ask({
    title: vscode.l10n.t('Threadline: Choose Provider'),
    prompt,
    placeHolder,
    ...(value ? { value } : {}),
    ignoreFocusOut: true,
    validateInput: (v) => (isHttpUrl(v.trim()) ? undefined : vscode.l10n.t('Enter an http:// or https:// URL.')),
  }).then((v) => v?.trim() || undefined);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

async function offerNextSteps(prompts: Prompts, provider: ProviderId, apiKey: ApiKeyStore): Promise<void> {
  const setKey = vscode.l10n.t('Set API Key');
  const chooseModel = vscode.l10n.t('Choose Model');
  const needsKey = PROVIDERS[provider].keyRequired && !(await apiKey.has());
  const actions = needsKey ? [setKey, chooseModel] : [chooseModel];
  const message = needsKey
    ? vscode.l10n.t('Threadline now uses {0}. It needs an API key.', PROVIDERS[provider].label)
    : vscode.l10n.t('Threadline now uses {0}.', PROVIDERS[provider].label);
  const next = await prompts.info(message, ...actions);
  if (next === setKey) await vscode.commands.executeCommand('threadline.setApiKey');
  if (next === chooseModel) await vscode.commands.executeCommand('threadline.chooseModel');
}
