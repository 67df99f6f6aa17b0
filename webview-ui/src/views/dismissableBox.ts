/**
 * What Find and Search share: they open with the cursor in their input, and Escape (or their close
 * button) hides them and gives the focus back to what had it before they opened.
 */
export class DismissableBox {
  /** What had focus when the box opened; it gets it back when the user closes the box. */
  private returnFocus: HTMLElement | undefined;

  constructor(
    private readonly element: HTMLElement,
    private readonly input: HTMLInputElement,
    /** Hides the box and clears what it showed. */
    private readonly close: () => void,
  ) {
    element.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      // The webview forwards keys that reach its window to the workbench, where Escape in the
      // panel stops a streaming reply: closing the box must not also do that.
      e.stopPropagation();
      this.dismiss();
    });
  }

  open(): void {
    if (this.element.hidden) {
      const active = document.activeElement;
      this.returnFocus = active instanceof HTMLElement && active !== document.body ? active : undefined;
    }
    this.element.hidden = false;
    this.input.focus();
    this.input.select();
  }

  /** The user closed it: focus goes back to where it was when the box opened. */
  dismiss(): void {
    const hadFocus = this.element.contains(document.activeElement);
    this.close();
    const back = this.returnFocus;
    this.returnFocus = undefined;
    if (hadFocus && back?.isConnected) back.focus();
  }
}
