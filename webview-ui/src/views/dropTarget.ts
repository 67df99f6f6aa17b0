import * as l10n from '@vscode/l10n';
import type { WebviewMessage } from '../../../src/shared/protocol';

type AttachMessage = Extract<WebviewMessage, { type: 'attachUris' | 'attachData' }>;

/** MIME types VS Code puts on drags from the explorer and editor tabs (the first is VS Code's own). */
const URI_LIST_TYPES = ['application/vnd.code.uri-list', 'text/uri-list'];

/**
 * Makes `area` accept files dragged in (from the explorer, a tab, or the OS) and `pasteTarget`
 * accept pasted images. Workspace files go to the host as URIs (it reads them); files from outside
 * VS Code and pasted images have no URI the host can read, so their bytes go as base64.
 * Text pastes and drops are left to the browser.
 */
export function acceptAttachments(area: HTMLElement, pasteTarget: HTMLElement, post: (message: AttachMessage) => void): void {
  const carriesFiles = (data: DataTransfer | null): boolean => !!data && [...data.types].some((t) => t === 'Files' || URI_LIST_TYPES.includes(t));

  // The drop is ours: preventing dragenter and keeping the events from VS Code's frame script
  // stops the workbench from blocking the panel's pointer events for its own drop handling.
  const accept = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return;
    e.preventDefault();
    e.stopPropagation();
    e.dataTransfer!.dropEffect = 'copy';
    area.classList.add('drop-active');
  };
  area.addEventListener('dragenter', accept);
  area.addEventListener('dragover', accept);
  area.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null || !area.contains(e.relatedTarget as Node)) area.classList.remove('drop-active');
  });
  area.addEventListener('drop', (e) => {
    area.classList.remove('drop-active');
    const data = e.dataTransfer;
    if (!carriesFiles(data)) return;
    e.preventDefault();
    e.stopPropagation();
    const uris = uriList(data!);
    if (uris.length) post({ type: 'attachUris', uris });
    else void sendFiles([...data!.files], post);
  });
  pasteTarget.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.items ?? [])].filter((item) => item.kind === 'file').map((item) => item.getAsFile()).filter((f): f is File => f !== null);
    if (!files.length) return;
    e.preventDefault();
    void sendFiles(files, post);
  });
}

function uriList(data: DataTransfer): string[] {
  for (const type of URI_LIST_TYPES) {
    const text = data.getData(type);
    if (text) return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  }
  return [];
}

async function sendFiles(files: File[], post: (message: AttachMessage) => void): Promise<void> {
  for (const file of files) {
    const name = file.name || `pasted-${file.type.split('/')[1] ?? 'file'}`;
    post({ type: 'attachData', name, base64: await base64Of(file) });
  }
}

function base64Of(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(l10n.t('could not read the file')));
    reader.readAsDataURL(file);
  });
}
