// Tells the user, once, when the library cannot be written (with what to do) and when damaged
// records were found; says so again when writes work again. Also keeps this window's view of the
// library current when the window comes back to the front (another window may have written).
import * as vscode from 'vscode';
import type { LibraryHealth } from '../../core/library/health';
import type { ThreadStore } from '../../core/library/threadStore';
import { Disposable } from '../disposable';
import type { Prompts } from '../prompts';

export interface LibraryStatusDeps {
  store: ThreadStore;
  prompts: () => Prompts;
  output: vscode.LogOutputChannel;
  checkLibrary: () => Thenable<unknown>;
  openStorageFolder: () => Thenable<unknown>;
}

export class LibraryStatus extends Disposable {
  /** The problem the user was told about, until writes work again. */
  private told: string | undefined;
  private damageTold = false;
  private damageTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: LibraryStatusDeps) {
    super();
    this.register(
      deps.store.onDidChange((e) => {
        if (e.type === 'health') void this.healthChanged(e.health);
        if (e.type === 'damage') this.damageFound();
      }),
    );
    this.register(vscode.window.onDidChangeWindowState((state) => state.focused && void deps.store.refresh()));
    this.register({ dispose: () => this.damageTimer && clearTimeout(this.damageTimer) });
    // What opening the library found: a folder that cannot be written, damaged records.
    if (!deps.store.health.writable) void this.healthChanged(deps.store.health);
    if (deps.store.damagedThreads().size) this.damageFound();
  }

  /** Check Library ran: damage found from now on is news again. */
  checked(): void {
    this.damageTold = false;
  }

  private async healthChanged(health: LibraryHealth): Promise<void> {
    if (health.writable) {
      if (this.told === undefined) return;
      this.told = undefined;
      void this.deps.prompts().info(vscode.l10n.t('Threadline: the library takes changes again.'));
      return;
    }
    if (this.told === health.problem.code) return;
    this.told = health.problem.code;
    await this.tell(health.problem.message);
  }

  private async tell(problem: string): Promise<void> {
    const retry = vscode.l10n.t('Retry');
    const open = vscode.l10n.t('Open Storage Folder');
    const check = vscode.l10n.t('Check Library');
    // Without the usual "Threadline:" prefix: the sentence names Threadline's library itself.
    const message = vscode.l10n.t('{0} Your threads can still be read; nothing new is saved until this is fixed.', problem);
    const answer = await this.deps.prompts().error(message, retry, open, check);
    if (answer === retry) {
      const health = await this.deps.store.retryWrites();
      // Still failing: the user asked, so the answer comes again even for the same problem.
      if (!health.writable) await this.tell(health.problem.message);
    } else if (answer === open) {
      await this.deps.openStorageFolder();
    } else if (answer === check) {
      await this.deps.checkLibrary();
    }
  }

  private damageFound(): void {
    if (this.damageTold || this.damageTimer) return;
    // Several reads in a row may each find some: one message for all of them.
    this.damageTimer = setTimeout(() => {
      this.damageTimer = undefined;
      if (this.damageTold) return;
      this.damageTold = true;
      void this.tellDamage();
    }, 300);
  }

  private async tellDamage(): Promise<void> {
    const damaged = this.deps.store.damagedThreads();
    const records = [...damaged.values()].reduce((sum, n) => sum + n, 0);
    const [firstId] = damaged.keys();
    if (!firstId) return;
    const title = this.deps.store.get(firstId)?.title ?? firstId;
    const message =
      damaged.size === 1
        ? vscode.l10n.t('Threadline: {0} damaged record(s) in "{1}" could not be read and were skipped; the rest of the library is intact. Check Library copies them to a side file and corrects the counts.', records, title)
        : vscode.l10n.t('Threadline: {0} damaged records in {1} threads could not be read and were skipped; the rest of the library is intact. Check Library copies them to a side file and corrects the counts.', records, damaged.size);
    const check = vscode.l10n.t('Check Library');
    const log = vscode.l10n.t('Show Log');
    const answer = await this.deps.prompts().warn(message, check, log);
    if (answer === check) await this.deps.checkLibrary();
    else if (answer === log) this.deps.output.show(true);
  }
}
