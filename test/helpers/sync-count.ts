import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `fn` counting the calls to `sync` and `datasync` on every FileHandle meanwhile (the
 * prototype's methods, wrapped and restored): whether an operation asks the disk to sync.
 */
export async function countSyncs<T>(fn: () => Promise<T>): Promise<{ result: T; syncs: number }> {
  const probePath = join(tmpdir(), `deltasync-sync-probe-${process.pid}`);
  const probe = await open(probePath, 'w');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void>; datasync: () => Promise<void> };
  await probe.close();
  await unlink(probePath);
  const { sync, datasync } = proto;
  let syncs = 0;
  proto.sync = function (this: unknown) {
    syncs++;
    return sync.call(this);
  };
  proto.datasync = function (this: unknown) {
    syncs++;
    return datasync.call(this);
  };
  try {
    const result = await fn();
    return { result, syncs };
  } finally {
    proto.sync = sync;
    proto.datasync = datasync;
  }
}
