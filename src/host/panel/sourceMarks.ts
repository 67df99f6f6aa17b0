// Which attachments a panel shows came from files, and marking those whose file changed. Plain
// logic (no vscode import), so the unit tests can run it in Node.
import type { SourceChecker, SourceState } from '../../core/attachments/attachmentSource';
import type { AttachmentSource, Message } from '../../core/model';

/** An attachment source a panel shows, and how it was shown. */
export interface ShownSource {
  source: AttachmentSource;
  state: SourceState;
}

/** Sources are told apart by file and by what was attached (the same file attached twice differs). */
export function sourceKey(source: AttachmentSource): string {
  return `${source.uri}\n${source.sha256}\n${source.size}\n${source.mtime}`;
}

/** The file attachments' sources in `messages`, each taken as unchanged until checked. */
export function sourcesOf(messages: readonly Message[]): Map<string, ShownSource> {
  const sources = new Map<string, ShownSource>();
  for (const m of messages) {
    for (const p of m.content) if (p.type === 'file' && p.source) sources.set(sourceKey(p.source), { source: p.source, state: 'fresh' });
  }
  return sources;
}

/** Checks every source against its file (each file once, however many attachments name it). */
export async function checkSources(sources: Map<string, ShownSource>, checker: SourceChecker): Promise<void> {
  await Promise.all([...sources.values()].map(async (s) => (s.state = await checker.check(s.source))));
}

/** Copies of the messages whose file parts' sources changed, with those parts marked; the rest as they were. */
export function markSources(messages: Message[], sources: ReadonlyMap<string, ShownSource>): Message[] {
  const stateOf = (source: AttachmentSource | undefined) => (source ? sources.get(sourceKey(source))?.state : undefined);
  return messages.map((m) => {
    if (!m.content.some((p) => p.type === 'file' && (stateOf(p.source) ?? 'fresh') !== 'fresh')) return m;
    return {
      ...m,
      content: m.content.map((p) => {
        const state = p.type === 'file' ? stateOf(p.source) : undefined;
        return p.type === 'file' && state && state !== 'fresh' ? { ...p, sourceState: state } : p;
      }),
    };
  });
}
