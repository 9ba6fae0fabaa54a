import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DeltasyncError } from '../../src/errors/errors.js';
import { httpSource } from '../../src/source/http-source.js';
import { assertRanges, type FaultServer, faultServer, fetchAll } from '../helpers/fault-server.js';
import { seededBytes } from '../helpers/random.js';

const data = seededBytes(31, 100_000);
let home: FaultServer;
let other: FaultServer;
before(async () => {
  home = await faultServer(data);
  other = await faultServer(data);
});
after(async () => {
  await home.close();
  await other.close();
});

const ranges = [{ offset: 10, length: 20_000 }, { offset: 60_000, length: 5000 }];

test('a redirect to another origin is followed, and Authorization never reaches it', async () => {
  home.always({ kind: 'redirect', to: other.url });
  // One request a range: the second goes straight to where the first was redirected.
  const src = httpSource(home.url, { headers: ['Authorization: Bearer secret', 'X-Extra: yes'], retryDelay: 5, minRequestBytes: 0 });
  try {
    await src.prepare({ size: data.length });
    assertRanges(await fetchAll(src, ranges), ranges, data);
    assert.equal(src.url, other.url, 'later requests go straight to where it redirected');
    assert.ok(other.requests.length >= 2);
    for (const r of other.requests) {
      assert.equal(r.headers.authorization, undefined, `${r.method} ${r.path} carried Authorization`);
      assert.equal(r.headers['x-extra'], 'yes', 'other headers still go');
    }
    assert.ok(home.requests.some((r) => r.headers.authorization === 'Bearer secret'), 'the named origin gets it');
    assert.ok(src.stats.redirects >= 1);
  } finally {
    home.always(undefined);
    await src.close();
  }
});

test('credentials in the URL become Authorization for that origin only, and stay out of messages', async () => {
  home.requests.length = 0;
  const url = home.url.replace('http://', 'http://user:pa%20ss@');
  const src = httpSource(url);
  try {
    assert.ok(!src.name.includes('user'));
    await src.prepare({ size: data.length });
    assert.equal(home.requests[0].headers.authorization, `Basic ${Buffer.from('user:pa ss').toString('base64')}`);
  } finally {
    await src.close();
  }
});

test('a redirect loop ends after the limit with an EHTTP error', async () => {
  const src = httpSource(home.url, { maxRedirects: 3 });
  try {
    await src.prepare({ size: data.length });
    home.always({ kind: 'redirect', to: home.url });
    await assert.rejects(fetchAll(src, ranges), (e: DeltasyncError) => e.code === 'EHTTP' && e.message.includes('more than 3 redirects'));
  } finally {
    home.always(undefined);
    await src.close();
  }
});
