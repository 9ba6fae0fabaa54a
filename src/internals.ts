/**
 * deltasync's tuning details, for benchmarks, tools and the curious: the lookup tables and
 * prefilter, the scan's match lists, worker job kinds, and index codecs. **Unstable**: any of
 * this may change in any release, without a major version. Import it as `deltasync/internals`.
 *
 * @packageDocumentation
 */
export { buildLookup, type LookupTables } from './index/lookup.js';
export { type MatchArrays, MatchList, type ScanCounters } from './match/match-list.js';
export { type FoundSink, foundSink, writeFound } from './match/found-sink.js';
export { defineJob, type JobKind } from './parallel/job.js';
export type { IndexCodec } from './format/codec.js';
export { codecNamed, codecOf } from './format/registry.js';
