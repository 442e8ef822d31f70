import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadSpec, operations, presentSpecs } from './load-specs.js';

/** JSON pointer segment escaping (RFC 6901). */
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

interface ExampleCase {
  where: string;
  schemaPointer: string;
  value: unknown;
}

function collectExamples(spec: any): ExampleCase[] {
  const cases: ExampleCase[] = [];
  const fromMedia = (where: string, pointer: string, media: any) => {
    if (!media?.schema) return;
    if (media.example !== undefined) cases.push({ where, schemaPointer: `${pointer}/schema`, value: media.example });
    for (const [name, ex] of Object.entries<any>(media.examples ?? {})) {
      const resolved = ex.$ref ? resolve(spec, ex.$ref) : ex;
      if (resolved?.value !== undefined)
        cases.push({ where: `${where} example '${name}'`, schemaPointer: `${pointer}/schema`, value: resolved.value });
    }
  };
  for (const { method, path, operation } of operations(spec)) {
    const opPointer = `#/paths/${esc(path)}/${method}`;
    const label = `${method.toUpperCase()} ${path}`;
    let body = operation.requestBody;
    let bodyPointer = `${opPointer}/requestBody`;
    if (body?.$ref) {
      bodyPointer = body.$ref;
      body = resolve(spec, body.$ref);
    }
    for (const [type, media] of Object.entries<any>(body?.content ?? {}))
      fromMedia(`${label} request ${type}`, `${bodyPointer}/content/${esc(type)}`, media);
    for (const [status, response] of Object.entries<any>(operation.responses ?? {})) {
      const pointer = response.$ref ?? `${opPointer}/responses/${status}`;
      const resolved = response.$ref ? resolve(spec, response.$ref) : response;
      for (const [type, media] of Object.entries<any>(resolved?.content ?? {}))
        fromMedia(`${label} ${status} ${type}`, `${pointer}/content/${esc(type)}`, media);
    }
  }
  for (const [name, schema] of Object.entries<any>(spec.components?.schemas ?? {})) {
    for (const [i, value] of (schema.examples ?? []).entries())
      cases.push({ where: `schema ${name} examples[${i}]`, schemaPointer: `#/components/schemas/${esc(name)}`, value });
  }
  return cases;
}

function resolve(spec: any, ref: string): any {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => node?.[key], spec);
}

describe.each(presentSpecs())('%s spec examples', (api) => {
  const spec = loadSpec(api);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(spec, 'spec');
  const cases = collectExamples(spec);

  it('has an example for every response that has a body', () => {
    const missing: string[] = [];
    for (const { method, path, operation } of operations(spec)) {
      for (const [status, response] of Object.entries<any>(operation.responses ?? {})) {
        const resolved = response.$ref ? resolve(spec, response.$ref) : response;
        for (const [type, media] of Object.entries<any>(resolved?.content ?? {})) {
          const hasExample = media.example !== undefined || Object.keys(media.examples ?? {}).length > 0;
          if (!hasExample) missing.push(`${method.toUpperCase()} ${path} ${status} ${type}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('validates every example against its own schema', () => {
    expect(cases.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const c of cases) {
      const validate = ajv.getSchema(`spec${c.schemaPointer}`) ?? ajv.compile({ $ref: `spec${c.schemaPointer}` });
      if (!validate(c.value)) failures.push(`${c.where}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);
  });
});
