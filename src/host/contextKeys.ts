// No vscode import: the manifest test checks package.json's `when` clauses against CONTEXT_KEYS.

/** The context keys Threadline sets for `when` clauses in package.json (menus and keybindings). */
export const CONTEXT_KEYS = [
  /** The panel that palette commands act on (ChatHost.target) shows a thread. */
  'threadline.hasThread',
  /** A reply is streaming into that thread. */
  'threadline.streaming',
  /**
   * A Threadline webview (side panel or editor tab) has the keyboard focus: the workbench's own
   * `focusedView` stays unset while the focus is inside a webview view's frame.
   */
  'threadline.panelFocused',
] as const;

export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** Sets the keys through `set` (VS Code's `setContext`), each only when its value changes. */
export class ContextKeys {
  private readonly last = new Map<ContextKey, boolean>();

  constructor(private readonly set: (key: ContextKey, value: boolean) => void) {}

  update(values: Record<ContextKey, boolean>): void {
    for (const key of CONTEXT_KEYS) {
      if (this.last.get(key) === values[key]) continue;
      this.last.set(key, values[key]);
      this.set(key, values[key]);
    }
  }
}
