/**
 * A kind of work that worker threads can run: defined by the module that owns the work (the scan
 * in match/, block sums in index/, copy checks in patch/), so that parallel/ knows none of them.
 * `I` is the job's input and `O` its result; both must survive structured cloning (typed arrays
 * over SharedArrayBuffers are shared, not copied).
 */
export interface JobKind<I, O> {
  /** A name unique among job kinds, for messages. */
  readonly name: string;
  /** The module that defines the kind: a worker imports it to find the handler. */
  readonly module: string;
  /** Only carries the types; never set. */
  readonly types?: { input: I; output: O };
}

type Handler = (input: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();

/**
 * Defines a job kind and registers its handler in this thread. Call it at the top level of the
 * module that owns the work, passing that module's `import.meta.url`: a worker that meets the
 * kind for the first time imports the module, which registers the handler there too.
 *
 * @example
 * ```ts
 * export const sumsJob = defineJob('sums', import.meta.url, async (j: SumsInput) => { … });
 * await pool.run(sumsJob, input);
 * ```
 */
export function defineJob<I, O>(name: string, module: string, handler: (input: I) => Promise<O>): JobKind<I, O> {
  handlers.set(name, handler as Handler);
  return { name, module };
}

/** The handler of job kind `name`, importing `module` first if this thread has not yet. */
export async function handlerOf(name: string, module: string): Promise<Handler> {
  if (!handlers.has(name)) await import(module);
  const h = handlers.get(name);
  if (!h) throw new Error(`${module} defines no job '${name}'`);
  return h;
}

/** The message the pool posts to a worker. */
export interface JobMessage {
  name: string;
  module: string;
  input: unknown;
  /** Only load the job's module (no reply): see `WorkerPool.warm`. */
  preload?: boolean;
}
