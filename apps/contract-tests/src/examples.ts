/** Request body examples of the specs, by operation and example name (the documented bodies the scenarios send). */
import { type Api, deref, operations } from './spec.js';

export function requestExample(api: Api, operationId: string, name?: string): any {
  const op = operations(api).find((o) => o.id === operationId);
  if (!op) throw new Error(`${api} has no operation ${operationId}`);
  const body = deref(api, op.op.requestBody);
  const media: any = Object.values(body?.content ?? {})[0];
  const entries = Object.entries<any>(media?.examples ?? {});
  const found = name ? entries.find(([n]) => n === name) : entries[0];
  if (!found) throw new Error(`${api} ${operationId} has no request example ${name ?? ''}`);
  return structuredClone(deref(api, found[1]).value);
}
