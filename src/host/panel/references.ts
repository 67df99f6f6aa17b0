import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { downloadFile } from '../../core/backends/fileDownload';
import type { ConnectionSettings } from '../../core/backends/backend';
import { describeError } from '../../core/backends/errors';
import { footnote } from '../../core/chat/footnotes';
import type { Message } from '../../core/model';
import type { Prompts } from '../prompts';

/**
 * Opens footnote `index` of a reply: a URL through `openLink`, a cited or generated file by
 * downloading it to a temp folder and opening it in an editor.
 */
export async function openReference(message: Message, index: number, connection: ConnectionSettings, openLink: Prompts['openLink']): Promise<void> {
  const text = message.content.find((p) => p.type === 'text');
  if (!text || text.type !== 'text') return;
  const reference = footnote(text.text, text.annotations).references[index];
  if (!reference) return;
  const a = reference.annotation;
  if (a.url) {
    const uri = vscode.Uri.parse(a.url, true);
    // Only web links: a model must not be able to make us open command: or file: URIs.
    if (uri.scheme !== 'https' && uri.scheme !== 'http') throw new Error(vscode.l10n.t('Threadline only opens web links, not {0}: links.', uri.scheme));
    await openLink(uri);
    return;
  }
  if (!a.fileId) return;
  let file;
  try {
    file = await downloadFile(connection, a.fileId, { ...(a.containerId ? { containerId: a.containerId } : {}), ...(a.filename ? { name: a.filename } : {}) });
  } catch (err) {
    throw new Error(vscode.l10n.t('Could not download {0}: {1}', reference.label, describeError(err).message));
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-'));
  const target = path.join(dir, path.basename(file.name) || 'file');
  await fs.writeFile(target, file.data);
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(target));
}
