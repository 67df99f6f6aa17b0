// Deleting a conversation leaves its items on the server (openai-wire.md §3), so a thread is
// removed item by item, a few requests at a time, and the conversation last. An item that is
// already gone counts as deleted; any other failure stops the delete and says how far it got, and
// deleting again carries on with what is left.
import * as l10n from '@vscode/l10n';
import type OpenAI from 'openai';
import { describeError } from '../errors';
import { openai } from '../sdk';

/** The API's largest page: fewest round trips to read a long conversation's item ids. */
const PAGE_SIZE = 100;
/** Item deletes in flight at once: a long thread goes quickly without a burst that hits rate limits. */
const CONCURRENCY = 4;

export interface DeleteConversationOptions {
  signal?: AbortSignal;
  /** Called after each item is deleted, with how many of `total` are gone so far. */
  onProgress?: (deleted: number, total: number) => void;
}

/** The delete stopped part-way: some items may be gone, the conversation is still there. */
export class ConversationDeleteError extends Error {
  override readonly name = 'ConversationDeleteError';

  constructor(
    message: string,
    readonly deleted: number,
    readonly total: number,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

export async function deleteConversation(client: OpenAI, conversationId: string, options: DeleteConversationOptions = {}): Promise<void> {
  const { signal } = options;
  // Every id first: deleting while paging would remove the item the next page's cursor names.
  // A conversation that is already gone fails here with a 404, which the caller takes as "deleted".
  const ids: string[] = [];
  // (The SDK types a few output items' ids as optional; one without an id cannot be addressed anyway.)
  for await (const item of client.conversations.items.list(conversationId, { limit: PAGE_SIZE, order: 'asc' }, { signal })) if (item.id) ids.push(item.id);

  await deleteItems(client, conversationId, ids, options);
  try {
    await client.conversations.delete(conversationId, { signal });
  } catch (err) {
    if (err instanceof openai().NotFoundError) throw err;
    const detail = describeError(err).message;
    const message = ids.length
      ? l10n.t('All {0} were deleted, but the conversation itself could not be deleted: {1}', count(ids.length), detail)
      : l10n.t('The conversation itself could not be deleted: {0}', detail);
    throw new ConversationDeleteError(message, ids.length, ids.length, { cause: err });
  }
}

/** Deletes `ids`, CONCURRENCY at a time; after the first failure no new delete starts. */
async function deleteItems(client: OpenAI, conversationId: string, ids: readonly string[], { signal, onProgress }: DeleteConversationOptions): Promise<void> {
  let next = 0;
  let deleted = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < ids.length) {
      const id = ids[next++]!;
      try {
        await client.conversations.items.delete(id, { conversation_id: conversationId }, { signal });
      } catch (err) {
        if (!(err instanceof openai().NotFoundError)) {
          failure ??= { error: err };
          return;
        }
      }
      deleted += 1;
      onProgress?.(deleted, ids.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  if (!failure) return;
  const message = signal?.aborted
    ? l10n.t("Stopped after deleting {0} of the conversation's {1} (the few under way may have gone too); the conversation is still there.", deleted, count(ids.length))
    : l10n.t("Deleted {0} of the conversation's {1}, then one could not be deleted, so the conversation is still there. {2}", deleted, count(ids.length), describeError(failure.error).message);
  throw new ConversationDeleteError(message, deleted, ids.length, { cause: failure.error });
}

function count(items: number): string {
  return items === 1 ? l10n.t('1 item') : l10n.t('{0} items', items);
}
