/** The parts of an OpenAPI 3.1 document the engine reads. Specs are plain parsed YAML. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths?: Record<string, PathItem>;
  components?: { schemas?: Record<string, unknown>; parameters?: Record<string, unknown>; [k: string]: unknown };
  [k: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type PathItem = { parameters?: (Parameter | Ref)[]; [method: string]: unknown };

export interface Ref {
  $ref: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
  description?: string;
  [k: string]: unknown;
}

export interface MediaType {
  schema?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: (Parameter | Ref)[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType>; description?: string } | Ref;
  responses?: Record<string, { description?: string; content?: Record<string, MediaType>; headers?: unknown } | Ref>;
  security?: Record<string, string[]>[];
  deprecated?: boolean;
  /** `{ <_action value>: { $ref } }`: the body schema for that action instead of the operation's anyOf. */
  'x-wfkit-action-bodies'?: Record<string, Record<string, unknown>>;
  'x-wfkit-default-action'?: string;
  [k: string]: unknown;
}

/** Follows a local `#/...` reference (repeatedly); anything else is returned as it is. */
export function deref<T>(doc: OpenApiDocument, value: T | Ref): T {
  let v: unknown = value;
  for (let i = 0; i < 20 && v && typeof v === 'object' && typeof (v as Ref).$ref === 'string'; i++) {
    const ref = (v as Ref).$ref;
    if (!ref.startsWith('#/')) break;
    v = ref
      .slice(2)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  }
  return v as T;
}

/** The path part of the first server URL ('/v2' from 'https://manage.kontent.ai/v2'), '' for none. */
export function serverBasePath(doc: OpenApiDocument): string {
  const url = doc.servers?.[0]?.url;
  if (!url) return '';
  const path = /^[a-z]+:\/\//i.test(url) ? new URL(url.replace(/\{[^}]+\}/g, 'x')).pathname : url;
  return path.replace(/\/+$/, '');
}
