// The Conversations API (openai-wire.md §3). Items are kept oldest first; lists default to
// newest first. There is deliberately no "list conversations" route: OpenAI has none.
import { jsonObject } from '../body';
import { badRequest, notFound } from '../errors';
import { toStoredItems } from '../items';
import { list, paginate } from '../lists';
import { parseMetadata } from '../metadata';
import type { Router } from '../router';
import { newId, nowSeconds } from '../store';
import type { ConversationRecord, Item, StandInState } from '../store';

const MAX_ITEMS_PER_CALL = 20;

export function registerConversationRoutes(router: Router): void {
  router.add('POST', '/conversations', ({ body, state }) => {
    const params = jsonObject(body);
    const items = limitItems(toStoredItems(params.items ?? null, 'items'), 'items');
    const record: ConversationRecord = {
      conversation: { id: newId('conv_'), object: 'conversation', created_at: nowSeconds(), metadata: parseMetadata(params.metadata) },
      items,
    };
    state.conversations.set(record.conversation.id, record);
    return { json: record.conversation };
  });

  router.add('GET', '/conversations/:conversation_id', ({ params, state }) => ({
    json: findConversation(state, params.conversation_id).conversation,
  }));

  router.add('POST', '/conversations/:conversation_id', ({ params, body, state }) => {
    const record = findConversation(state, params.conversation_id);
    const update = jsonObject(body);
    if (!('metadata' in update)) throw badRequest("Missing required parameter: 'metadata'.", 'metadata', 'missing_required_parameter');
    record.conversation.metadata = parseMetadata(update.metadata);
    return { json: record.conversation };
  });

  router.add('DELETE', '/conversations/:conversation_id', ({ params, state }) => {
    const { conversation, items } = findConversation(state, params.conversation_id);
    state.conversations.delete(conversation.id);
    // The items outlive it, as on OpenAI: delete them first (DELETE …/items/{item_id}) to be rid of them.
    if (items.length) state.itemsOfDeletedConversations.set(conversation.id, items);
    return { json: { id: conversation.id, object: 'conversation.deleted', deleted: true } };
  });

  router.add('POST', '/conversations/:conversation_id/items', ({ params, body, state }) => {
    const record = findConversation(state, params.conversation_id);
    const request = jsonObject(body);
    if (!Array.isArray(request.items) || request.items.length === 0) {
      throw badRequest("Invalid 'items': expected a non-empty array of items.", 'items', 'invalid_type');
    }
    const items = limitItems(toStoredItems(request.items, 'items'), 'items');
    record.items.push(...items);
    return { json: list(items) };
  });

  router.add('GET', '/conversations/:conversation_id/items', ({ params, query, state }) => ({
    json: paginate(findConversation(state, params.conversation_id).items, query, { maxLimit: 100, defaultLimit: 20 }),
  }));

  router.add('GET', '/conversations/:conversation_id/items/:item_id', ({ params, state }) => ({
    json: findItem(findConversation(state, params.conversation_id), params.item_id),
  }));

  router.add('DELETE', '/conversations/:conversation_id/items/:item_id', ({ params, state }) => {
    const record = findConversation(state, params.conversation_id);
    const item = findItem(record, params.item_id);
    record.items.splice(record.items.indexOf(item), 1);
    // OpenAI answers with the conversation, not a deleted-stub.
    return { json: record.conversation };
  });
}

export function findConversation(state: StandInState, id: string | undefined, param: string | null = null): ConversationRecord {
  const record = id ? state.conversations.get(id) : undefined;
  if (!record) throw notFound(`Conversation with id '${id}' not found.`, param);
  return record;
}

function findItem(record: ConversationRecord, id: string | undefined): Item {
  const item = record.items.find((i) => i.id === id);
  if (!item) throw notFound(`Item with id '${id}' not found.`, 'item_id');
  return item;
}

function limitItems(items: Item[], param: string): Item[] {
  if (items.length > MAX_ITEMS_PER_CALL) {
    throw badRequest(`Invalid '${param}': array too long. Expected an array with maximum length ${MAX_ITEMS_PER_CALL}, but got ${items.length} instead.`, param, 'array_above_max_length');
  }
  return items;
}
