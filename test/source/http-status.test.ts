import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { data, ranges, server, withSource } = useFaultServer();

test('503 twice, then success: the exact bytes after two retries', async () => {
  await withSource({}, async (src) => {
    server.next({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    assertRanges(await fetchAll(src, ranges), ranges, data);
    assert.equal(src.stats.retries, 2);
  });
});

test('429 with Retry-After: waits as told (capped), then succeeds', async () => {
  await withSource({}, async (src) => {
    server.next({ kind: 'status', status: 429, retryAfter: 1 });
    const started = performance.now();
    assertRanges(await fetchAll(src, ranges.slice(0, 1)), ranges.slice(0, 1), data);
    const waited = performance.now() - started;
    assert.ok(waited >= 950, `waited ${waited} ms for Retry-After: 1`);
  });
  await withSource({ maxRetryDelay: 100 }, async (src) => {
    server.next({ kind: 'status', status: 429, retryAfter: 3600 });
    const started = performance.now();
    assertRanges(await fetchAll(src, ranges.slice(0, 1)), ranges.slice(0, 1), data);
    assert.ok(performance.now() - started < 2000, 'Retry-After is capped by maxRetryDelay');
  });
});

test('a 5xx that persists ends in an EHTTP error naming the URL, the range and the status', async () => {
  await withSource({ retries: 3 }, async (src) => {
    server.always({ kind: 'status', status: 502 });
    try {
      await assert.rejects(fetchAll(src, ranges.slice(1, 2)), (e: DeltasyncError) =>
        e.code === 'EHTTP' && e.message === `${server.url}: bytes 40000-69999: HTTP 502 Bad Gateway; gave up after 3 retries`);
    } finally {
      server.always(undefined);
    }
  });
});

test('a 404 on a range is not retried', async () => {
  await withSource({}, async (src) => {
    server.next({ kind: 'status', status: 404 });
    await assert.rejects(fetchAll(src, ranges.slice(0, 1)), (e: DeltasyncError) => e.code === 'EHTTP' && e.message.includes('404'));
    assert.equal(src.stats.retries, 0);
  });
});
