// Adopting server threads the library does not know. Nothing lists conversations or Assistants
// threads, so the user names them: a pasted list of ids (from another machine, a script, the
// OpenAI dashboard). Each is sorted into already here (live or marked gone), adopted (read from the
// server into a new local thread), or failed with the server's reason; one bad id stops nothing.
import * as l10n from '@vscode/l10n';
import { errorText } from '../errorText';
import type { BackendKind, ThreadMeta } from '../model';

/** Which dialect a server thread id belongs to, from its prefix; undefined for anything else. */
export function dialectOfRemoteId(id: string): BackendKind | undefined {
  if (/^conv_\w+$/.test(id)) return 'responses';
  if (/^thread_\w+$/.test(id)) return 'assistants';
  return undefined;
}

/** The ids in free text: separated by whitespace, commas or semicolons, duplicates dropped. */
export function parseRemoteIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}

export interface AdoptResult {
  /** Threads read from the server into the library. */
  adopted: ThreadMeta[];
  /** Ids the library already has (as its server copy, or as one marked gone), with that thread. */
  known: { remoteId: string; threadId: string }[];
  /** Ids that are not server thread ids, or that the server could not give. */
  failed: { remoteId: string; error: string }[];
}

export interface RemoteAdopter {
  list(): readonly ThreadMeta[];
  openRemote(kind: BackendKind, remoteId: string, signal?: AbortSignal): Promise<ThreadMeta>;
}

/** Adopts `ids` one at a time (in the given order), until `signal` stops it. */
export async function adoptRemoteIds(library: RemoteAdopter, ids: readonly string[], signal?: AbortSignal): Promise<AdoptResult> {
  const result: AdoptResult = { adopted: [], known: [], failed: [] };
  for (const remoteId of ids) {
    if (signal?.aborted) break;
    const here = library.list().find((t) => t.remoteId === remoteId || t.goneRemoteId === remoteId);
    if (here) {
      result.known.push({ remoteId, threadId: here.id });
      continue;
    }
    const kind = dialectOfRemoteId(remoteId);
    if (!kind) {
      result.failed.push({ remoteId, error: l10n.t('not a conversation (conv_…) or Assistants thread (thread_…) id') });
      continue;
    }
    try {
      result.adopted.push(await library.openRemote(kind, remoteId, signal));
    } catch (err) {
      if (signal?.aborted) break;
      result.failed.push({ remoteId, error: errorText(err) });
    }
  }
  return result;
}
