// Writes of one record, one after another: each task starts once every task queued before it has
// settled (resolved or refused), so a save never sends a `version` a save still in flight is about
// to make stale, and a submission never races a save of the form it submits.

/** A queue: `run(task)` resolves or rejects as `task` does, after the tasks queued before it. */
export function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task)
    tail = run.catch(() => undefined)
    return run
  }
}
