import * as vscode from 'vscode';
import type { BackendKind } from '../core/model';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface ThreadlineSettings {
  baseUrl: string;
  model: string;
  organization: string | undefined;
  project: string | undefined;
  backend: BackendKind;
}

/**
 * Reads a setting from the user (global) scope only. The base URL receives the API key, and the
 * organization/project headers go with it, so a workspace's .vscode/settings.json must never be
 * able to change them — even if a future VS Code ignores the `application` scope we declare.
 */
function userValue(config: vscode.WorkspaceConfiguration, key: string): string | undefined {
  const value = config.inspect<string>(key)?.globalValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function readSettings(): ThreadlineSettings {
  const config = vscode.workspace.getConfiguration('threadline');
  return {
    baseUrl: (userValue(config, 'baseUrl') ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    model: config.get<string>('model')?.trim() || 'gpt-4.1-mini',
    organization: userValue(config, 'organization'),
    project: userValue(config, 'project'),
    backend: 'responses',
  };
}

/** Fires `listener` when any Threadline setting changes. */
export function onSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('threadline')) listener();
  });
}
