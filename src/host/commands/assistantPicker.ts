// Threadline: Choose Assistant (Assistants v2): run one of the server's assistants, or create one
// with a model (the current one offered first) and instructions. The picked assistant's id goes
// into `threadline.assistantId`; its runs then use the assistant's own model (see AssistantsBackend).
import * as vscode from 'vscode';
import type { ConnectionSettings } from '../../core/backends/backend';
import { createAssistant, listAssistants } from '../../core/backends/assistants/catalog';
import { listModels } from '../../core/backends/models';
import { describeError } from '../../core/backends/errors';
import type { ApiKeyStore } from '../connection/apiKey';
import { connectionFor } from '../connection/backends';
import type { Prompts } from '../prompts';
import { readSettings } from '../connection/settings';

/** An assistant of the server, or a new one to create. */
type AssistantChoice = { id: string } | { create: { model: string; instructions: string } };

export async function chooseAssistant(prompts: Prompts, apiKey: ApiKeyStore): Promise<string | undefined> {
  const settings = readSettings();
  const connection = connectionFor(settings, apiKey);
  try {
    const choice = await askChoice(prompts, connection, settings.baseUrl, settings.model);
    if (!choice) return undefined;
    const id = 'create' in choice ? (await createAssistant(connection, { name: 'Threadline', ...choice.create })).id : choice.id;
    await vscode.workspace.getConfiguration('threadline').update('assistantId', id, vscode.ConfigurationTarget.Global);
    return id;
  } catch (err) {
    void prompts.error(vscode.l10n.t('Threadline: {0}', describeError(err).message));
    return undefined;
  }
}

/** The server's assistants (name, model, instructions) and "Create a new assistant…"; undefined when cancelled. */
async function askChoice(prompts: Prompts, connection: ConnectionSettings, baseUrl: string, currentModel: string): Promise<AssistantChoice | undefined> {
  const assistants = await listAssistants(connection);
  const createItem = { label: `$(add) ${vscode.l10n.t('Create a new assistant…')}`, id: '' };
  const picked = await prompts.pick([createItem, ...assistants.map((a) => ({ label: a.name || a.id, description: a.model, detail: a.instructions.slice(0, 120), id: a.id }))], {
    title: vscode.l10n.t('Threadline: assistant for Assistants v2 threads ({0})', baseUrl),
  });
  if (!picked) return undefined;
  if (picked.id) return { id: picked.id };
  const model = await askModel(prompts, connection, currentModel);
  if (model === undefined) return undefined;
  const instructions = await prompts.ask({ title: vscode.l10n.t('New assistant on {0}: instructions', model), prompt: vscode.l10n.t('How the assistant should behave (optional).') });
  if (instructions === undefined) return undefined;
  return { create: { model, instructions } };
}

/** The new assistant's model: the server's models with the current one first, or typed when they cannot be listed. */
async function askModel(prompts: Prompts, connection: ConnectionSettings, currentModel: string): Promise<string | undefined> {
  let models: string[] = [];
  try {
    models = await listModels(connection);
  } catch (err) {
    void prompts.warn(vscode.l10n.t('Threadline: could not list models ({0}). Type a model name instead.', describeError(err).message));
  }
  if (models.length === 0) return (await prompts.ask({ title: vscode.l10n.t('New assistant: model'), value: currentModel }))?.trim() || undefined;
  const ordered = [currentModel, ...models.filter((m) => m !== currentModel)];
  const picked = await prompts.pick(
    ordered.map((m) => ({ label: m, description: m === currentModel ? vscode.l10n.t('current model') : undefined, model: m })),
    { title: vscode.l10n.t('New assistant: model') },
  );
  return picked?.model;
}
