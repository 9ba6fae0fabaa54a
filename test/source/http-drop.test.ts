import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { data, ranges, server, withSource } = useFaultServer();

test('a connection dropped mid-body is retried, resuming the range where it stopped', async () => {
  await withSource({}, async (src) => {
    server.next({ kind: 'drop', after: 3000 });
    const one = [{ offset: 40_000, length: 30_000 }];
    const before = server.requests.length;
    assertRanges(await fetchAll(src, one), one, data);
    const asked = server.requests.slice(before).map((r) => r.headers.range);
    assert.deepEqual(asked, ['bytes=40000-69999', 'bytes=43000-69999'], 'the retry asks only for the rest');
    assert.equal(src.stats.retries, 1);
  });
});

test('a multi-range answer dropped mid-body resumes every range that was not complete', async () => {
  await withSource({ maxRangesPerRequest: 8 }, async (src) => {
    server.next({ kind: 'drop', after: 20_000 });
    assertRanges(await fetchAll(src, ranges), ranges, data);
    assert.equal(src.stats.retries, 1);
  });
});

test('drops on every try, none of them with a byte of the range, end in one ENETWORK error naming the URL and the range', async () => {
  await withSource({ retries: 2 }, async (src) => {
    server.always({ kind: 'drop', after: 0 });
    try {
      await assert.rejects(fetchAll(src, [{ offset: 40_000, length: 30_000 }]), (e: DeltasyncError) => {
        assert.equal(e.code, 'ENETWORK');
        assert.match(e.message, new RegExp(`^${server.url}: bytes \\d+-69999: .*gave up after 2 retries$`));
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    } finally {
      server.always(undefined);
    }
  });
});

test('a retry that received more of the range starts the count again: a flaky link that keeps making progress is not given up on', async () => {
  await withSource({ retries: 2 }, async (src) => {
    server.next(...Array.from({ length: 5 }, () => ({ kind: 'drop' as const, after: 3000 })));
    const one = [{ offset: 40_000, length: 30_000 }];
    const before = server.requests.length;
    assertRanges(await fetchAll(src, one), one, data);
    const asked = server.requests.slice(before).map((r) => r.headers.range);
    assert.deepEqual(asked, [0, 1, 2, 3, 4, 5].map((k) => `bytes=${40_000 + 3000 * k}-69999`), 'each retry asks for the rest');
    assert.equal(src.stats.retries, 5);
  });
});

test('after a try that made progress, retries without progress still run out at the limit', async () => {
  await withSource({ retries: 2 }, async (src) => {
    server.next({ kind: 'drop', after: 3000 }, { kind: 'drop', after: 3000 });
    server.always({ kind: 'drop', after: 0 });
    try {
      const before = server.requests.length;
      await assert.rejects(fetchAll(src, [{ offset: 40_000, length: 30_000 }]), (e: DeltasyncError) => {
        assert.equal(e.code, 'ENETWORK');
        assert.match(e.message, new RegExp(`^${server.url}: bytes 46000-69999: .*gave up after 2 retries$`));
        return true;
      });
      // Two tries with progress, then the try after the second and two retries without progress.
      assert.equal(server.requests.length - before, 4);
    } finally {
      server.always(undefined);
    }
  });
});

test('a server that sends a few bytes a try is given up on: retries with progress are bounded too (ten times the limit)', async () => {
  await withSource({ retries: 2, retryDelay: 1 }, async (src) => {
    server.always({ kind: 'drop', after: 10 });
    try {
      const before = server.requests.length;
      await assert.rejects(fetchAll(src, [{ offset: 40_000, length: 30_000 }]), (e: DeltasyncError) => {
        assert.equal(e.code, 'ENETWORK');
        assert.match(e.message, new RegExp(`^${server.url}: bytes \\d+-69999: .*gave up after 20 retries, each with only part of the answer$`));
        return true;
      });
      assert.equal(server.requests.length - before, 21, 'the first try and 20 retries, not 3,000');
    } finally {
      server.always(undefined);
    }
  });
});
