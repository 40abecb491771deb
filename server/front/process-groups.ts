/** Process groups of stdio children that may still be running (their leaders' pids). */
const groups = new Set<number>();
let hooked = false;

/** Signals every process of a child's group; a group already gone is not an error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

/**
 * Remembers a child's process group until it is reaped (call the returned function then). Children run
 * detached, in groups of their own, so the front's own death would not reach them: when the front
 * exits for any reason, whatever is left of them is killed on the way out.
 */
export function trackGroup(pid: number): () => void {
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const group of groups) killGroup(group, "SIGKILL");
    });
  }
  groups.add(pid);
  return () => groups.delete(pid);
}
