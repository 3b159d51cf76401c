/**
 * Runs `step` in `concurrency` parallel slots until every slot finds nothing to do; resolves how
 * many steps ran. One slot stuck on a slow peer does not keep the others from going on.
 */
export async function drain(concurrency: number, step: () => Promise<boolean>): Promise<number> {
  let steps = 0;
  const slot = async () => {
    while (await step()) steps++;
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  return steps;
}
