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
  /** The library's folder (what the user can open and fix). */
  path: string;
  /** What failed exactly (a thread file, the index), for the log. */
  file?: string;
  /** What happened and what to do, for a notification that offers Retry. */
  message: string;
  /** The same in a few words, for a refused change ("Not saved: …"), which the user simply tries again. */
  refusal: string;
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

/**
 * The problem `err` is when it is the disk's (not, say, a thread deleted in another window):
 * `folder` is the library's folder, `file` what failed in it.
 */
export function storageProblem(err: unknown, folder: string, file?: string): StorageProblem | undefined {
  const code = errorCode(err);
  const kind = code ? KINDS[code] : undefined;
  if (!code || !kind) return undefined;
  return { kind, code, path: folder, ...(file && file !== folder ? { file } : {}), message: problemMessage(kind, code, folder), refusal: refusal(kind, code) };
}

function problemMessage(kind: StorageProblemKind, code: string, folder: string): string {
  switch (kind) {
    case 'full':
      return l10n.t('The disk that holds the Threadline library is full ({0}). Free some space, then choose Retry.', folder);
    case 'readOnly':
      return l10n.t('The Threadline library folder is read-only ({0}). Make it writable, then choose Retry.', folder);
    case 'denied':
      return l10n.t('Threadline is not allowed to write to its library ({0}). Fix the folder permissions, then choose Retry.', folder);
    case 'tooBig':
      return l10n.t('A thread file reached the largest file size this system allows ({0}). Raise the file-size limit, then choose Retry.', folder);
    case 'blocked':
      return l10n.t('Something else is where the Threadline library keeps its files ({0}). Choose Check Library to move it aside.', folder);
    case 'io':
      return l10n.t('The disk reported an error ({0}) while Threadline was saving to its library ({1}). Check the disk, then choose Retry.', code, folder);
  }
}

function refusal(kind: StorageProblemKind, code: string): string {
  switch (kind) {
    case 'full':
      return l10n.t('the disk that holds the Threadline library is full. Free some space and try again.');
    case 'readOnly':
      return l10n.t('the Threadline library folder is read-only. Make it writable and try again.');
    case 'denied':
      return l10n.t('Threadline is not allowed to write to its library folder. Fix its permissions and try again.');
    case 'tooBig':
      return l10n.t("the thread's file reached the largest file size this system allows. Raise the limit and try again.");
    case 'blocked':
      return l10n.t('something else is where the Threadline library keeps its files. Run "Threadline: Check Library", then try again.');
    case 'io':
      return l10n.t('the disk reported an error ({0}). Check the disk and try again.', code);
  }
}

/** A write refused because the library cannot be written now; `problem` says why. */
export class LibraryUnavailableError extends Error {
  override readonly name = 'LibraryUnavailableError';

  constructor(readonly problem: StorageProblem) {
    super(l10n.t('Not saved: {0}', problem.refusal));
  }
}
