import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const API_NAMES = ['idm', 'iga', 'kontent', 'flow'] as const;
export type ApiName = (typeof API_NAMES)[number];

export function specUrl(api: ApiName): URL {
  return new URL(`../${api}.yaml`, import.meta.url);
}

export function loadSpec(api: ApiName): any {
  return parse(readFileSync(specUrl(api), 'utf8'));
}

/** The specs that exist in this checkout (all four once the specs issue is done). */
export function presentSpecs(): ApiName[] {
  return API_NAMES.filter((api) => existsSync(specUrl(api)));
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export interface OperationRef {
  method: string;
  path: string;
  operation: any;
}

export function operations(spec: any): OperationRef[] {
  const out: OperationRef[] = [];
  for (const [path, item] of Object.entries<any>(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      if (item[method]) out.push({ method, path, operation: item[method] });
    }
  }
  return out;
}
