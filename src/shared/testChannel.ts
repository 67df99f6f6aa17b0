// The test channel: messages a panel posts only when the host runs tests (ViewState.reportRenders),
// kept out of the production protocol (protocol.ts). The host accepts them only in test mode,
// through their own guard, and keeps them for the integration tests (PanelSession.waitForRender).
import type { Schema } from './messageGuard';
import { isRecord, messageGuard } from './messageGuard';

export const TEST_MESSAGE_TYPES = ['rendered'] as const;
export type TestMessageType = (typeof TEST_MESSAGE_TYPES)[number];

/** Webview -> host, in test runs only. */
export type TestMessage =
  /** What the panel shows now, after each burst of updates. */
  { type: 'rendered'; report: RenderReport };

/** What a panel shows, as far as the integration tests look. */
export interface RenderReport {
  threadId: string | undefined;
  /** Ids of the messages loaded in the transcript (drawn or not), in order. */
  messageIds: string[];
  /** Message elements in the DOM now (the transcript draws only those near the viewport). */
  mounted: number;
  /** Text of the last loaded message, as displayed. */
  lastText: string;
  /** Why the last loaded message failed or stopped, as shown under it; undefined when it did not. */
  lastError?: string | undefined;
  /** The last message's note on earlier messages left out of its context, as shown under it. */
  lastLeftOutNote?: string | undefined;
  streaming: boolean;
  notice: string | undefined;
  /** Names on the composer's attachment chips. */
  pending: string[];
  /** The messages shown as queued (id and text), oldest first. */
  queued?: { id: string; text: string }[];
  /** Footnote count of the last message. */
  references: number;
  /** What is in the composer. */
  draft: string;
  /** The find bar: "2 of 5", or undefined when closed. */
  find: string | undefined;
  /** The message marked by find or search. */
  revealed: string | undefined;
  /** Ids of the messages shown as bookmarked. */
  bookmarked: string[];
  /** Ids of the threads in the switcher, in order. */
  listed: string[];
  /** The switcher's rows as shown (flags, title, activity…), in the same order as `listed`. */
  listedLabels?: string[];
  /** Attachment chips in the transcript marked as changed or missing since they were attached. */
  attachmentMarks: { messageId: string; name: string; state: string }[];
  /** The context gauge's line as shown ("12.3k / 128k tokens · …"); undefined while hidden. */
  gauge?: string | undefined;
  /** Images fetched by file id in drawn messages: `src` (and whether it has loaded) of a shown one, `failed` (its title) for a placeholder. */
  images?: { name: string; src?: string; loaded?: boolean; failed?: string }[];
}

/** The report is the panel's own account, read by tests only: its shape is not checked further. */
const TEST_SCHEMA: Schema<TestMessage, TestMessageType> = {
  rendered: { report: isRecord },
};

export const isTestMessage = messageGuard<TestMessage>(TEST_MESSAGE_TYPES, TEST_SCHEMA);
