// What the open block (openBlock.ts) and the shapes it draws in pieces (openParagraph.ts and the
// shapes in openBlock.ts) share.

/** Renders one block's markdown, sanitized. */
export type RenderBlock = (markdown: string) => DocumentFragment;

/** A way of drawing an open block in pieces, so a frame's work follows what arrived. */
export interface Shape {
  /** Draws the block's new lines; false when the block no longer fits the shape. */
  draw(lines: readonly string[], partial: string): boolean;
}
