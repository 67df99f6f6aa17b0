// The context gauge under the composer: how full the next run's context is, what it leaves out,
// and the limits in force. Plain DOM (no toolkit), so its words can be tested in plain Node.
import * as l10n from '@vscode/l10n';
import type { ContextGaugeView } from '../../../src/shared/protocol';
import { limitsText } from './limitsText';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

/** "950", "12.3k", "128k", "1.05M": token counts at a glance. */
export function compactTokens(n: number): string {
  const trim = (value: string) => value.replace(/\.0+$|(\.\d*[1-9])0+$/, '$1');
  if (n < 1000) return String(n);
  if (n < 1_000_000) {
    const k = n / 1000;
    return `${k < 100 ? trim(k.toFixed(1)) : Math.round(k)}k`;
  }
  return `${trim((n / 1_000_000).toFixed(2))}M`;
}

/** The meter's maximum: the budget in force, else the window. */
function capacity(gauge: ContextGaugeView): number | undefined {
  return gauge.budget ?? gauge.window;
}

function leftOutText(gauge: ContextGaugeView): string {
  const server = gauge.server;
  if (server) {
    const truncation = server.truncation === 'last_messages' ? l10n.t('last {0} messages', server.lastMessages ?? '') : server.truncation;
    return l10n.t('the server keeps the history; truncation: {0}', truncation);
  }
  if (gauge.leftOut === 0) return l10n.t('no earlier messages left out');
  const n = gauge.leftOut;
  const leftOut = n === 1 ? l10n.t('1 earlier message left out') : l10n.t('{0} earlier messages left out', n);
  return gauge.leftOutApproximate ? l10n.t('about {0}', leftOut) : leftOut;
}

/**
 * "12.3k / 128k tokens · 3 earlier messages left out · limits: prompt ≤ 1000" — the gauge in
 * words: what the bar shows, for the label, the tooltip and screen readers.
 */
export function gaugeText(gauge: ContextGaugeView): string {
  const max = capacity(gauge);
  let tokens = max !== undefined ? l10n.t('{0} / {1} tokens', compactTokens(gauge.tokens), compactTokens(max)) : l10n.t('{0} tokens', compactTokens(gauge.tokens));
  if (gauge.tokensOver) tokens = l10n.t('over {0}', tokens);
  if (gauge.window === undefined) tokens += ` ${l10n.t('(model window unknown)')}`;
  else if (max !== gauge.window) tokens += ` ${l10n.t('(window {0})', compactTokens(gauge.window))}`;
  let limits = gauge.limits ? l10n.t('limits: {0}', limitsText(gauge.limits)) : l10n.t('no limits');
  if (gauge.runLimits) limits += ` ${l10n.t('(next message: {0})', limitsText(gauge.runLimits))}`;
  return [tokens, leftOutText(gauge), limits].join(' · ');
}

/**
 * A compact bar of how full the next run's context is, with its words beside it. The bar is an
 * ARIA meter (0 to the budget, or the window) whose value text is the whole line.
 */
export class ContextGauge {
  readonly element = el('div', 'context-gauge');
  private readonly bar = el('div', 'context-gauge-bar');
  private readonly fill = el('div', 'context-gauge-fill');
  private readonly label = el('span', 'context-gauge-text');
  private shown: ContextGaugeView | undefined;

  constructor() {
    this.element.dataset.testid = 'context-gauge';
    this.element.hidden = true;
    this.bar.append(this.fill);
    this.element.append(this.bar, this.label);
  }

  /** Shows `gauge` (undefined hides the gauge: no thread, or another thread's). */
  update(gauge: ContextGaugeView | undefined): void {
    this.shown = gauge;
    this.element.hidden = gauge === undefined;
    if (!gauge) return;
    const text = gaugeText(gauge);
    const max = capacity(gauge);
    this.label.textContent = text;
    this.element.title = gauge.windowSource === 'setting' ? `${text}\n${l10n.t('Window from the threadline.contextWindow setting.')}` : text;
    this.bar.hidden = max === undefined;
    if (max === undefined) {
      this.bar.removeAttribute('role');
      return;
    }
    const ratio = max > 0 ? Math.min(1, gauge.tokens / max) : 1;
    this.bar.setAttribute('role', 'meter');
    this.bar.setAttribute('aria-label', l10n.t('Context used by the next message'));
    this.bar.setAttribute('aria-valuemin', '0');
    this.bar.setAttribute('aria-valuemax', String(max));
    this.bar.setAttribute('aria-valuenow', String(Math.min(gauge.tokens, max)));
    this.bar.setAttribute('aria-valuetext', text);
    this.fill.style.width = `${(ratio * 100).toFixed(1)}%`;
    this.element.classList.toggle('context-gauge-full', gauge.tokensOver === true || ratio >= 0.9);
    this.element.classList.toggle('context-gauge-trimmed', gauge.leftOut > 0);
  }

  /** Forgets the gauge when the panel moves to another thread (until that one's arrives). */
  showThread(threadId: string | undefined): void {
    if (this.shown && this.shown.threadId !== threadId) this.update(undefined);
  }

  /** The line as shown, for the render report; undefined while hidden. */
  get text(): string | undefined {
    return this.shown ? this.label.textContent ?? undefined : undefined;
  }

  /** Ids of the messages the next run leaves out, among the newest (for the transcript to dim). */
  get leftOutIds(): readonly string[] {
    return this.shown?.leftOutIds ?? [];
  }
}
