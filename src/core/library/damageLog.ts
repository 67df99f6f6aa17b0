// Damaged records a read met, by thread: each is told once (to the log and as an event), never on
// every read, and the thread is read whole again so its count stops including what is now
// unreadable. Check Library then sets them aside, and from then on readers skip them quietly.
import type { DamagedSegment } from '../storage/recordLine';
import type { LibraryState } from './libraryState';

export interface DamageLogDeps {
  state: LibraryState;
  report: (message: string) => void;
  /** Damage was found in `threadId` (first time for these bytes). */
  found: (threadId: string) => void;
  /** A thread's entry changed after it was read again. */
  recounted: (threadId: string) => void;
}

export class DamageLog {
  /** Not yet set aside, by thread, by start byte. */
  private readonly damage = new Map<string, Map<number, DamagedSegment>>();
  private readonly refolding = new Set<string>();

  constructor(private readonly deps: DamageLogDeps) {}

  /** A read met `segment` in thread `threadId`. */
  add(threadId: string, segment: DamagedSegment): void {
    const state = this.deps.state.get(threadId);
    if (state?.fold.aside.has(segment.start)) return;
    let found = this.damage.get(threadId);
    if (!found) this.damage.set(threadId, (found = new Map()));
    if (found.has(segment.start)) return;
    found.set(segment.start, segment);
    const why = segment.reason === 'checksum' ? 'its checksum does not match' : 'unreadable';
    this.deps.report(`${threadId}.jsonl: a damaged record at byte ${segment.start} (${why}) was skipped; "Threadline: Check Library" sets it aside.`);
    this.deps.found(threadId);
    // The entry may count what is damaged now (the damage came after it was read): count again.
    if (state && !this.refolding.has(threadId)) {
      this.refolding.add(threadId);
      void this.deps.state
        .refold(threadId)
        .then((changed) => changed && this.deps.recounted(threadId), () => undefined)
        .finally(() => this.refolding.delete(threadId));
    }
  }

  /** Threads with damage not yet set aside → how many damaged records. */
  threads(): Map<string, number> {
    return new Map([...this.damage].filter(([id, found]) => found.size > 0 && this.deps.state.get(id)).map(([id, found]) => [id, found.size]));
  }

  /** The damage found in one thread, not yet set aside. */
  of(threadId: string): DamagedSegment[] {
    return [...(this.damage.get(threadId)?.values() ?? [])];
  }

  /** The thread is gone, or its damage was set aside. */
  forget(threadId: string): void {
    this.damage.delete(threadId);
  }
}
