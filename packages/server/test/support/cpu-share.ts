/**
 * Starts measuring the share of one CPU core this process gets; the function returned gives the
 * share since the start. Meaningful over a stretch in which the process is busy throughout (a flood).
 *
 * On a loaded machine (CI runs two test files at once on two cores, beside other jobs) a busy process
 * gets only part of a core, and every duration it measures stretches by the inverse of that share.
 * A duration multiplied by the share is what the same work takes with a core to itself, so a latency
 * budget set on an idle machine holds on a loaded one, while work the code under test adds (which
 * costs CPU) still counts in full. Capped at 1: helper threads (GC, network work the kernel charges to
 * the process) can add CPU time beyond one core, and an idle machine must keep the budget as it is.
 */
export function startCpuShare(): () => number {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  return () => {
    const wallMs = performance.now() - wallStart;
    const { user, system } = process.cpuUsage(cpuStart);
    return Math.min(1, (user + system) / 1000 / wallMs);
  };
}
