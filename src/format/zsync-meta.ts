/** {@link BlockIndex.meta} key: the `zsync:` version line of a control file, e.g. `0.6.2`. */
export const META_VERSION = 'zsync-version';
/** {@link BlockIndex.meta} key: the control file's `Filename` (a suggested name for the output; may be untrusted). */
export const META_FILENAME = 'zsync-filename';
/** {@link BlockIndex.meta} key: the control file's `MTime`, as written (RFC 822). */
export const META_MTIME = 'zsync-mtime';
