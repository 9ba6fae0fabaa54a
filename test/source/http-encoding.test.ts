import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { fetchAll } from '../helpers/fault-server.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { ranges, server, withSource } = useFaultServer();

test('a content-encoded answer is refused with EUNSUPPORTED, naming the encoding', async () => {
  await withSource({}, async (src) => {
    server.next({ kind: 'encoded' });
    await assert.rejects(fetchAll(src, ranges.slice(0, 1)), (e: DeltasyncError) => e.code === 'EUNSUPPORTED' && e.message.includes('gzip'));
    assert.equal(server.requests.at(-1)?.headers['accept-encoding'], 'identity');
  });
});
