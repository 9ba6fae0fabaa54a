/**
 * The kinds of failure the library reports, one code per condition wherever it arises:
 *
 * | code | meaning |
 * | --- | --- |
 * | `EARG` | an argument to a public function is out of range or of the wrong kind |
 * | `EFORMAT` | an index file is not one this library can read (wrong magic, version, length, field) |
 * | `EMISMATCH` | data did not match its index: a fetched block, a copied block, or the whole result |
 * | `ESHORT` | a file or an answer ended before the bytes that were needed |
 * | `ECHANGED` | a file was not the one expected: another size or version than its index describes, or changed while in use |
 * | `ENOENT`, `EACCES`, `EPERM`, `EISDIR`, `ENOTDIR`, `ENOSPC`, `EROFS`, `EMFILE`, `ENAMETOOLONG`, `EEXIST`, `EXDEV` | the file-system condition of the same name |
 * | `ENOTREG` | a path is not a regular file (a device, FIFO or socket): never read as data, never replaced |
 * | `EIO` | any other failure to read or write a file |
 * | `EHTTP` | an HTTP server answered with a status or body that cannot be used |
 * | `ENETWORK` | a connection failed (refused, reset, timed out) and retries did not help |
 * | `EUNSUPPORTED` | a feature of the input that deltasync does not implement (a content encoding, a zsync field) |
 * | `EABORT` | the work was aborted by its caller (an AbortSignal, a signal to the process) |
 * | `EWORKER` | a worker thread failed outside any job's own error (it crashed or was ended) |
 */
export const errorCodes = [
  'EARG', 'EFORMAT', 'EMISMATCH', 'ESHORT', 'ECHANGED', 'ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ENOSPC',
  'EROFS', 'EMFILE', 'ENAMETOOLONG', 'EEXIST', 'EXDEV', 'ENOTREG', 'EIO', 'EHTTP', 'ENETWORK', 'EUNSUPPORTED', 'EABORT', 'EWORKER',
] as const;

/** One of {@link errorCodes}. */
export type ErrorCode = (typeof errorCodes)[number];

/** The file-system conditions reported under their own `node:fs` code. */
export type FsErrorCode = Extract<ErrorCode, 'ENOENT' | 'EACCES' | 'EPERM' | 'EISDIR' | 'ENOTDIR' | 'ENOSPC' | 'EROFS' | 'EMFILE' | 'ENAMETOOLONG' | 'EEXIST' | 'EXDEV'>;

/**
 * Every failure the library reports on purpose is a {@link DeltasyncError}: a one-line message
 * that names the file or URL concerned and what is wrong with it, and an {@link ErrorCode}.
 */
export class DeltasyncError extends Error {
  /** The kind of failure: see {@link ErrorCode}. */
  readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeltasyncError';
    this.code = code;
  }
}

/** The index file is not one this library can read (wrong magic, version, or length). */
export class IndexFormatError extends DeltasyncError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'EFORMAT', options);
    this.name = 'IndexFormatError';
  }
}

/** Data did not match its index: a fetched block, a copied block, or the whole result. */
export class VerificationError extends DeltasyncError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'EMISMATCH', options);
    this.name = 'VerificationError';
  }
}

/** An argument to a public function was out of range or of the wrong kind. */
export class ArgumentError extends DeltasyncError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'EARG', options);
    this.name = 'ArgumentError';
  }
}

const fsReasons: Record<FsErrorCode, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a component of the path is not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long for the file system',
  EEXIST: 'already exists',
  EXDEV: 'not on the same file system',
};

/** The message of a path that is not a regular file: the same words wherever it is met. */
export function notRegularFile(path: string, doing: string): DeltasyncError {
  return new DeltasyncError(`cannot ${doing} ${path}: not a regular file (a device, FIFO or socket)`, 'ENOTREG');
}

/**
 * Turns an error from `node:fs` into a one-line {@link DeltasyncError} naming `path` and what
 * was being done. Errors that are already a DeltasyncError pass through unchanged.
 */
export function fsError(err: unknown, path: string, doing: string): Error {
  if (err instanceof DeltasyncError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code) {
    const known = code in fsReasons ? (code as FsErrorCode) : undefined;
    const reason = known ? fsReasons[known] : (err as Error).message;
    return new DeltasyncError(`cannot ${doing} ${path}: ${reason}`, known ?? 'EIO', { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** An error as it crosses between threads: its class (by code), message, and the chain of causes. */
export interface WireError {
  message: string;
  code?: ErrorCode;
  name?: string;
  stack?: string;
  cause?: WireError;
}

/** Flattens an error and its causes for posting to another thread. */
export function errorToWire(err: unknown, depth = 0): WireError {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = err instanceof DeltasyncError ? err.code : undefined;
  const cause = err.cause !== undefined && depth < 8 ? errorToWire(err.cause, depth + 1) : undefined;
  return { message: err.message, code, name: err.name, stack: err.stack, cause };
}

/** Rebuilds an error of the right class, with its causes, from {@link errorToWire}'s form. */
export function errorFromWire(w: WireError): Error {
  const options = w.cause ? { cause: errorFromWire(w.cause) } : undefined;
  let err: Error;
  switch (w.code) {
    case undefined:
      err = new Error(w.message, options);
      if (w.name) err.name = w.name;
      break;
    case 'EMISMATCH':
      err = new VerificationError(w.message, options);
      break;
    case 'EFORMAT':
      err = new IndexFormatError(w.message, options);
      break;
    case 'EARG':
      err = new ArgumentError(w.message, options);
      break;
    default:
      err = new DeltasyncError(w.message, w.code, options);
  }
  if (w.stack) err.stack = w.stack;
  return err;
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
