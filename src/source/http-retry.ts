import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorCode } from '../errors/errors.js';

/** A failure worth another try (a reset, a timeout, a 429 or 5xx, a short body). */
export class RetryableError extends Error {
  /** The code of the error given when retries run out: ENETWORK, EHTTP or ESHORT. */
  readonly code: ErrorCode;
  /** A delay the server asked for (Retry-After), in milliseconds. */
  readonly retryAfter?: number;
  constructor(message: string, code: ErrorCode, retryAfter?: number) {
    super(message);
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** Reads `Retry-After` (seconds, or an HTTP date) as milliseconds from now; `undefined` when absent or malformed. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * The wait before retry number `attempt` (1, 2, …): exponential from `base`, with ±20% jitter so
 * that connections do not retry in step; a server's Retry-After instead when it gave one. Both
 * are capped at `cap`.
 */
export function backoff(attempt: number, base: number, cap: number, retryAfter?: number): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, cap);
  const exp = Math.min(cap, base * 2 ** (attempt - 1));
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

/** Waits `ms`, or throws the signal's reason as soon as it aborts. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    throw signal.aborted ? signal.reason : err;
  }
}

/** undici and TLS error codes that another try cannot cure. */
const FATAL_NETWORK = /^(ENOTFOUND|EAI_|ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_INVALID_URL|UND_ERR_INVALID_ARG)/;

/** Whether a connection error (from undici or the socket) is permanent. */
export function isFatalNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && FATAL_NETWORK.test(code);
}

/** A short description of a connection error: its message and code. */
export function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const inner = e?.cause?.code ? ` (${e.cause.code})` : '';
  return `${e?.message ?? String(err)}${e?.code && !String(e.message).includes(e.code) ? ` [${e.code}]` : ''}${inner}`;
}
