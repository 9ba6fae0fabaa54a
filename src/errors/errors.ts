/**
 * Every failure the library reports on purpose is a {@link DeltasyncError}: a one-line message
 * that names the file or URL concerned and what is wrong with it.
 */
export class DeltasyncError extends Error {
  /** A stable, machine-readable kind, e.g. `ENOENT`, `EFORMAT`, `EMISMATCH`. */
  readonly code: string;
  constructor(message: string, code = 'EDELTASYNC', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeltasyncError';
    this.code = code;
  }
}

/** The index file is not one this library can read (wrong magic, version, or length). */
export class IndexFormatError extends DeltasyncError {
  constructor(message: string) {
    super(message, 'EFORMAT');
    this.name = 'IndexFormatError';
  }
}

/** Data did not match its index: a fetched block, a copied block, or the whole result. */
export class VerificationError extends DeltasyncError {
  constructor(message: string) {
    super(message, 'EMISMATCH');
    this.name = 'VerificationError';
  }
}

/** An argument to a public function was out of range or of the wrong kind. */
export class ArgumentError extends DeltasyncError {
  constructor(message: string) {
    super(message, 'EARG');
    this.name = 'ArgumentError';
  }
}

const fsReasons: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a component of the path is not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
};

/**
 * Turns an error from `node:fs` into a one-line {@link DeltasyncError} naming `path` and what
 * was being done. Errors that are already a DeltasyncError pass through unchanged.
 */
export function fsError(err: unknown, path: string, doing: string): Error {
  if (err instanceof DeltasyncError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code) {
    const reason = fsReasons[code] ?? (err as Error).message;
    return new DeltasyncError(`cannot ${doing} ${path}: ${reason}`, code, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Rebuilds an error of the right class from its code and message (for errors that crossed threads). */
export function errorFromCode(code: string, message: string): DeltasyncError {
  switch (code) {
    case 'EMISMATCH':
      return new VerificationError(message);
    case 'EFORMAT':
      return new IndexFormatError(message);
    case 'EARG':
      return new ArgumentError(message);
    default:
      return new DeltasyncError(message, code);
  }
}

/** Throws an {@link ArgumentError} unless `value` (an option called `name`) is a whole number ≥ 1. */
export function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new ArgumentError(`${name} must be a whole number ≥ 1, not ${value}`);
}

/** Throws an {@link ArgumentError} unless `value` (the argument called `name`) is a non-empty path string. */
export function checkPath(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new ArgumentError(`${name} must be a path (a non-empty string), not ${value === '' ? 'an empty string' : typeof value}`);
  }
}
