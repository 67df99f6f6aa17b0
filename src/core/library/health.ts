// Whether the library can be written, and why not in words a user can act on. A write that fails
// for a reason of the disk (full, read-only, permissions, a file-size limit, something else where
// the library should be) turns the library read-only: every thread stays readable, and further
// writes are refused with the same sentence until a probe write succeeds again.
import * as l10n from '@vscode/l10n';
import { errorCode } from '../storage/io';

export type StorageProblemKind = 'full' | 'readOnly' | 'denied' | 'tooBig' | 'blocked' | 'io';

export interface StorageProblem {
  kind: StorageProblemKind;
  /** The system's error code (ENOSPC, EROFS, …). */
  code: string;
  /** Where it happened: the library folder or a file in it. */
  path: string;
  /** What happened and what to do, for the user. */
  message: string;
}

export type LibraryHealth = { writable: true } | { writable: false; problem: StorageProblem };

const KINDS: Record<string, StorageProblemKind> = {
  ENOSPC: 'full',
  EDQUOT: 'full',
  EROFS: 'readOnly',
  EACCES: 'denied',
  EPERM: 'denied',
  EFBIG: 'tooBig',
  ENOTDIR: 'blocked',
  EISDIR: 'blocked',
  EEXIST: 'blocked',
  EIO: 'io',
};

/** The problem `err` is when it is the disk's (not, say, a thread deleted in another window). */
export function storageProblem(err: unknown, where: string): StorageProblem | undefined {
  const code = errorCode(err);
  const kind = code ? KINDS[code] : undefined;
  if (!code || !kind) return undefined;
  return { kind, code, path: where, message: problemMessage(kind, code, where) };
}

function problemMessage(kind: StorageProblemKind, code: string, where: string): string {
  switch (kind) {
    case 'full':
      return l10n.t('The disk that holds the Threadline library is full ({0}). Free some space, then choose Retry.', where);
    case 'readOnly':
      return l10n.t('The Threadline library folder is read-only ({0}). Make it writable, then choose Retry.', where);
    case 'denied':
      return l10n.t('Threadline is not allowed to write to its library ({0}). Fix the folder permissions, then choose Retry.', where);
    case 'tooBig':
      return l10n.t('A thread file reached the largest file size this system allows ({0}). Raise the file-size limit, then choose Retry.', where);
    case 'blocked':
      return l10n.t('Something else is where the Threadline library keeps its files ({0}). Run "Threadline: Check Library" to move it aside, then choose Retry.', where);
    case 'io':
      return l10n.t('The disk reported an error ({0}) while Threadline was saving to {1}. Check the disk, then choose Retry.', code, where);
  }
}

/** A write refused because the library cannot be written now; `problem` says why. */
export class LibraryUnavailableError extends Error {
  override readonly name = 'LibraryUnavailableError';

  constructor(readonly problem: StorageProblem) {
    super(l10n.t('Not saved: {0}', problem.message));
  }
}
