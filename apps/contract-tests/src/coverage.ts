import type { Recorder } from './clients.js';
import { type Api, operations } from './spec.js';

/** The spec operations (`METHOD /template`) never requested. */
export function uncovered(recorder: Recorder, api: Api): string[] {
  const covered = recorder.covered(api);
  return operations(api)
    .map((o) => o.key)
    .filter((k) => !covered.has(k));
}

/** `covered/total` per API, for the log. */
export function coverageLine(recorder: Recorder, api: Api): string {
  const total = operations(api).length;
  return `${api}: ${total - uncovered(recorder, api).length}/${total} operations`;
}
