// Names for files a server knows only by id (citations, attachments of a thread read back from
// the server): one lookup per distinct file on a server, shared by every caller and kept for the
// life of the window, never one per citation. A failed lookup is forgotten, so the next reply
// asks again; until then the id stands.
import type { Backend, RemoteMessage } from '../backends/backend';
import type { Message } from '../model';

export class FileNames {
  /** By dialect, server and file id. */
  private readonly names = new Map<string, Promise<string | undefined>>();

  /** Gives citations that carry only a file id the file's name. */
  async nameCitedFiles(backend: Backend, message: Pick<Message, 'content'>): Promise<void> {
    await Promise.all(
      message.content.flatMap((part) =>
        part.type === 'text' && part.annotations
          ? part.annotations.map(async (a) => {
              if (a.filename || !a.fileId || a.containerId) return;
              const name = await this.nameOf(backend, a.fileId);
              if (name) a.filename = name;
            })
          : [],
      ),
    );
  }

  /**
   * Names what a server-side thread read back carries only by id: attachments and images whose
   * name is their file id (the server keeps no name with the message), and citations.
   */
  async nameRemoteFiles(backend: Backend, messages: readonly RemoteMessage[]): Promise<void> {
    await Promise.all(
      messages.flatMap((message) => [
        this.nameCitedFiles(backend, message),
        ...message.content.map(async (part) => {
          if ((part.type !== 'file' && part.type !== 'image') || !part.fileId || part.name !== part.fileId) return;
          const name = await this.nameOf(backend, part.fileId);
          if (name) part.name = name;
        }),
      ]),
    );
  }

  private nameOf(backend: Backend, fileId: string): Promise<string | undefined> {
    if (!backend.fileName) return Promise.resolve(undefined);
    const key = `${backend.kind} ${backend.server} ${fileId}`;
    const cached = this.names.get(key);
    if (cached) return cached;
    const name = backend.fileName(fileId).catch(() => {
      if (this.names.get(key) === name) this.names.delete(key);
      return undefined;
    });
    this.names.set(key, name);
    return name;
  }
}
