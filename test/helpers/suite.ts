// One resource for the enclosing describe(): opened in before(), closed in after(), read by
// the tests and hooks in between through the accessor this answers.

/** Opens `open()` in before() (with the hook's context, so that it may skip the suite) and
 *  closes it in after() when it was opened. The accessor throws when read before that. */
export function perSuite<T>(what: string, open: (ctx: Mocha.Context) => Promise<T>, close: (resource: T) => Promise<unknown>): () => T {
  let resource: { value: T } | undefined;
  before(async function () {
    resource = { value: await open(this) };
  });
  after(async () => {
    if (resource) await close(resource.value);
  });
  return () => {
    if (!resource) throw new Error(`the suite's ${what} is used before its before() hook ran`);
    return resource.value;
  };
}
