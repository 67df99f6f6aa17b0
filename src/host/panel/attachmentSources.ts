// Whether the files attachments came from have changed since they were attached: checked when a
// panel shows them, and again whenever a workspace file is saved, changed, created or deleted
// (panels re-check only the sources they show).
import * as vscode from 'vscode';
import { SourceChecker } from '../../core/attachments/attachmentSource';

export class AttachmentSources implements vscode.Disposable {
  readonly checker = new SourceChecker({
    stat: async (uri) => {
      try {
        const stat = await vscode.workspace.fs.stat(vscode.Uri.parse(uri, true));
        return { size: stat.size, mtime: stat.mtime };
      } catch (err) {
        if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
        throw err;
      }
    },
    read: async (uri) => vscode.workspace.fs.readFile(vscode.Uri.parse(uri, true)),
  });
  private readonly changed = new vscode.EventEmitter<string>();
  /** A file changed or went (its URI, as `Uri.toString()` gives it). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const fire = (uri: vscode.Uri) => this.changed.fire(uri.toString());
    this.subscriptions = [
      this.changed,
      watcher,
      // Saved in an editor (the watcher may not see an editor's save on every file system).
      vscode.workspace.onDidSaveTextDocument((doc) => fire(doc.uri)),
      watcher.onDidChange(fire),
      watcher.onDidDelete(fire),
      watcher.onDidCreate(fire),
    ];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
