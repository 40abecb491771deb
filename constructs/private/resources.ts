import { Token } from "cdktf";

/** A failure reporter that names the construct (ValidationError) and never returns. */
export type Fail = (message: string) => never;

/**
 * A Consumption cpu/memory pair: cpu 0.25 to 4 in steps of 0.25, memory = 2 x cpu in Gi. `field` prefixes
 * the names in the message (`upstream.` for the upstream container).
 */
export function checkResources(cpu: number, memory: string, fail: Fail, field = ""): void {
  if (Token.isUnresolved(cpu) || Token.isUnresolved(memory)) return;
  const memoryGi = /^\d+(\.\d+)?Gi$/.test(memory) ? Number(memory.slice(0, -2)) : NaN;
  const validCpu = cpu >= 0.25 && cpu <= 4 && Number.isInteger(cpu * 4);
  if (!validCpu || memoryGi !== cpu * 2) {
    fail(
      `${field}cpu and ${field}memory must be a Consumption pair: cpu 0.25 to 4 in steps of 0.25 and memory = 2 x cpu in Gi ` +
        `(0.25/0.5Gi, 0.5/1Gi, ... 4/8Gi) (got ${field}cpu=${cpu}, ${field}memory=${memory})`,
    );
  }
}
