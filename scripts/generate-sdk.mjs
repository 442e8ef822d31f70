#!/usr/bin/env node
/**
 * Generates the resource layer of an SDK package from its spec and its naming map:
 *
 *   node scripts/generate-sdk.mjs <api> [--check]
 *
 * reads `specs/<api>.yaml` and `packages/<api>/sdk.names.json`, and writes `packages/<api>/src/generated/resources.ts`
 * (the typed interface with JSDoc from the spec, and the method table), which `bindResources` of `@wfkit/client`
 * turns into methods. With `--check` it writes nothing and exits 1 when the files on disk differ.
 *
 * The naming map (`sdk.names.json`):
 *   {
 *     "interface": "IdmResources",
 *     "clientHeaders": ["X-Frankie-CustomerID"],     header parameters the client sets (left out of params)
 *     "fixedPath": ["environment_id"],               path parameters the client fills
 *     "resources": { "tasks": "doc of the resource" },
 *     "operations": {
 *       "queryTaskInstances": { "name": "tasks.list", "paging": ["crest", "result"] },
 *       "taskInstanceAction/claim": { "name": "tasks.claim", "bodyField": "userId" },
 *       "readTaskInstance": "tasks.get"
 *     }
 *   }
 * Keys are `operationId`, or `operationId/action` for operations with several `_action` values. Several operations
 * may share one name when they differ only in how their objects are identified (`/workflows/{id}` and
 * `/workflows/codename/{codename}`; `/items/{item_id}/variants/codename/{language_codename}`): the method then picks
 * the path from the arguments (`'codename/x'`, `'external-id/x'` or an id, each).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [api, ...flags] = process.argv.slice(2);
if (!api) {
  console.error('usage: generate-sdk.mjs <api> [--check]');
  process.exit(2);
}
const check = flags.includes('--check');
const spec = parse(readFileSync(join(root, 'specs', `${api}.yaml`), 'utf8'));
const pkgDir = join(root, 'packages', api);
const names = JSON.parse(readFileSync(join(pkgDir, 'sdk.names.json'), 'utf8'));
const clientHeaders = new Set(names.clientHeaders ?? []);
const fixedPath = new Set(names.fixedPath ?? []);
/** The keys of `CallOptions` in @wfkit/client (no parameter may have one of these names). */
const OPTION_KEYS = ['signal', 'retry', 'timeout', 'idempotencyKey', 'headers'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function deref(obj) {
  let o = obj;
  while (o?.$ref) {
    const parts = o.$ref.replace(/^#\//, '').split('/');
    o = parts.reduce((acc, k) => acc?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return o;
}

const doc = (text) =>
  String(text ?? '')
    .trim()
    .replace(/\*\//g, '*\\/');

const used = new Set();
const methods = new Map(); // "resource.method" -> { resource, method, variants: [] }
const warnings = [];

for (const [path, item] of Object.entries(spec.paths ?? {})) {
  for (const verb of METHODS) {
    const op = item[verb];
    if (!op) continue;
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
    const actionParam = params.find((p) => p.in === 'query' && p.name === '_action');
    const bodies = op['x-wfkit-action-bodies'];
    const actions = bodies ? Object.keys(bodies) : (actionParam?.schema?.enum ?? []);
    const runs = actions.length ? actions.map((a) => ({ action: a })) : [{ action: undefined }];
    for (const { action } of runs) {
      const keys = action
        ? [`${op.operationId}/${action}`, ...(actions.length === 1 ? [op.operationId] : [])]
        : [op.operationId];
      const key = keys.find((k) => names.operations[k] !== undefined);
      let entry = key ? names.operations[key] : undefined;
      if (key) used.add(key);
      if (typeof entry === 'string') entry = { name: entry };
      if (!entry) {
        const fallback = `operations.${op.operationId}${action ? action[0].toUpperCase() + action.slice(1) : ''}`;
        warnings.push(`no name for ${keys[0]}: using ${fallback}`);
        entry = { name: fallback };
      }
      const [resource, method] = entry.name.split('.');
      const exposed = params.filter(
        (p) => (p.in === 'query' && p.name !== '_action') || (p.in === 'header' && !clientHeaders.has(p.name)),
      );
      const headerNames = exposed.filter((p) => p.in === 'header').map((p) => p.name);
      const excluded = params.filter((p) => p.in === 'header' && clientHeaders.has(p.name)).map((p) => p.name);
      const requestBody = deref(op.requestBody);
      const actionBody = action && bodies?.[action]?.$ref ? bodies[action].$ref.split('/').pop() : undefined;
      // The answer of this `_action` (x-wfkit-action-responses), so `validateBpmn()` is not typed as the union of every action's.
      const answers = op['x-wfkit-action-responses'];
      // IDM writes `{action: {$ref}}`, IGA `{action: {status, schema: {$ref}}}`.
      const answerRef = action ? (answers?.[action]?.$ref ?? answers?.[action]?.schema?.$ref) : undefined;
      const actionResponse = answerRef?.startsWith('#/components/schemas/') ? answerRef.split('/').pop() : undefined;
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).filter((n) => !fixedPath.has(n));
      // How each path argument identifies its object (the segment before it: `codename`, `external-id`, else an id).
      const forms = pathParams.map((name) => {
        const before = path
          .slice(0, path.indexOf(`{${name}}`))
          .split('/')
          .slice(-2, -1)[0];
        return before === 'codename' || before === 'external-id' ? before : 'id';
      });
      const form = forms.every((f) => f === 'id') ? 'id' : forms.join(',');
      const variant = {
        op,
        verb,
        path,
        action,
        entry,
        exposed,
        headerNames,
        excluded,
        requestBody,
        actionBody,
        actionResponse,
        pathParams,
        form,
      };
      const full = `${resource}.${method}`;
      if (!methods.has(full)) methods.set(full, { resource, method, variants: [] });
      methods.get(full).variants.push(variant);
    }
  }
}
for (const key of Object.keys(names.operations)) {
  if (!used.has(key)) warnings.push(`sdk.names.json names ${key}, which the spec does not have`);
}

const lines = [];
const table = {};
const ifaces = {};
for (const { resource, method, variants } of methods.values()) {
  variants.sort((a, b) => (a.form === 'id' ? -1 : b.form === 'id' ? 1 : 0));
  const base = variants[0];
  if (variants.length > 1 && new Set(variants.map((v) => v.form)).size !== variants.length) {
    throw new Error(
      `${resource}.${method}: several operations share the name but not by id/codename/external-id forms`,
    );
  }
  const { op, entry } = base;
  const O = `operations['${op.operationId}']`;
  const flagsObj = {};
  if (base.action) flagsObj.a = base.action;
  const hasBody = Boolean(base.requestBody || base.actionBody);
  const bodyType = base.actionBody ? `components['schemas']['${base.actionBody}']` : `Body<${O}>`;
  const args = [];
  for (const name of base.pathParams) {
    const type = variants.length > 1 ? 'string' : `PathParam<${O}, '${name}'>`;
    args.push({ name: safe(variants.length > 1 ? name.replace(/_id$/, '') : name), type, optional: false });
  }
  if (hasBody) {
    if (entry.bodyField) {
      flagsObj.bf = entry.bodyField;
      args.push({
        name: safe(entry.bodyField),
        type: `NonNullable<${bodyType}>['${entry.bodyField}']`,
        optional: false,
      });
    } else {
      flagsObj.b = 1;
      // Fields that may come from the options (`put(id, def, { isDraft })`) are optional in the body.
      const loose = entry.bodyOptions
        ? `Loosen<NonNullable<${bodyType}>, ${entry.bodyOptions.map((k) => `'${k}'`).join(' | ')}>`
        : bodyType;
      args.push({ name: 'body', type: loose, optional: base.requestBody ? !base.requestBody.required : false });
    }
  }
  if (base.exposed.length) {
    // An object of call-option keys alone in the params slot is read as the options (`get(id, { signal })`).
    const clash = base.exposed.find((p) => OPTION_KEYS.includes(p.name) || entry.bodyOptions?.includes(p.name));
    if (clash) throw new Error(`${resource}.${method}: parameter "${clash.name}" has the name of a call option`);
    flagsObj.q = 1;
    if (base.headerNames.length) flagsObj.h = base.headerNames;
    const X = base.excluded.length ? `, ${base.excluded.map((n) => `'${n}'`).join(' | ')}` : '';
    args.push({ name: 'params', type: `Params<${O}${X}>`, optional: !base.exposed.some((p) => p.required) });
  }
  let optionsType = 'CallOptions';
  if (entry.bodyOptions) {
    flagsObj.bx = entry.bodyOptions;
    optionsType = `CallOptions & { ${entry.bodyOptions.map((k) => `${k}?: NonNullable<${bodyType}>['${k}']`).join('; ')} }`;
  }
  args.push({ name: 'options', type: optionsType, optional: true });
  // A required argument after an optional one: make the optional ones `T | undefined`.
  let seenRequired = false;
  for (let i = args.length - 1; i >= 0; i--) {
    if (!args[i].optional) seenRequired = true;
    else if (seenRequired) {
      args[i].optional = false;
      args[i].type = `${args[i].type} | undefined`;
    }
  }
  let returns = base.actionResponse
    ? `ApiPromise<components['schemas']['${base.actionResponse}']>`
    : `ApiPromise<Ok<${O}>>`;
  if (entry.paging) {
    flagsObj.p = entry.paging;
    returns = `Paginated<ItemOf<Ok<${O}>, '${entry.paging[1]}'>, Ok<${O}>>`;
  }
  if (variants.length > 1) {
    flagsObj.f = Object.fromEntries(variants.slice(1).map((v) => [v.form, v.path]));
  }
  table[resource] ??= {};
  table[resource][method] = [base.verb.toUpperCase(), base.path, Object.keys(flagsObj).length ? flagsObj : undefined];

  const jsdoc = [];
  jsdoc.push(doc(op.summary));
  if (op.description) jsdoc.push('', ...doc(op.description).split('\n'));
  if (entry.doc) jsdoc.push('', ...doc(entry.doc).split('\n'));
  if (variants.length > 1) {
    jsdoc.push(
      '',
      base.pathParams.length > 1
        ? `The identifiers pick the path: each is an id, \`'codename/…'\` or \`'external-id/…'\` where a path below takes that form.`
        : `The first argument picks the path: an id, or ${variants
            .slice(1)
            .map((v) => `\`'${v.form}/…'\``)
            .join(' or ')}.`,
    );
  }
  if (entry.paging)
    jsdoc.push(
      '',
      `Pages through every result (${entry.paging[0]} paging): \`for await (const x of …)\`, \`.pages()\`, \`.toArray({ limit })\`.`,
    );
  jsdoc.push('');
  for (const v of variants)
    jsdoc.push(
      `\`${v.verb.toUpperCase()} ${v.path}${v.action ? `?_action=${v.action}` : ''}\`${variants.length > 1 ? ` (${v.form})` : ''}`,
    );
  if (variants.some((v) => v.op.deprecated)) jsdoc.push('@deprecated');
  const sig = (list) => list.map((a) => `${a.name}${a.optional ? '?' : ''}: ${a.type}`).join(', ');
  const comment = `    /**\n${jsdoc.map((l) => `     *${l ? ` ${l}` : ''}`).join('\n')}\n     */\n`;
  ifaces[resource] ??= [];
  // Optional params may be left out before the options: a second signature, so `{ signal }` never types as params.
  const params = args.find((a) => a.name === 'params');
  const overload = params?.optional
    ? `${comment}    ${method}(${sig(args.filter((a) => a !== params))}): ${returns};\n`
    : '';
  ifaces[resource].push(`${overload}${comment}    ${method}(${sig(args)}): ${returns};`);
}

function safe(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : name.replace(/[^\w$]/g, '_');
}

const iface = names.interface;
lines.push(`// Generated by scripts/generate-sdk.mjs from specs/${api}.yaml and sdk.names.json. Do not edit.`);
lines.push("import type { components, operations } from '../schema.js';");
lines.push(
  "import type { ApiPromise, Body, CallOptions, ItemOf, Loosen, Ok, Paginated, Params, PathParam, Spec } from '@wfkit/client';",
);
lines.push('');
lines.push(
  `/** The resource methods of the ${api.toUpperCase()} client: one per operation (per \`_action\` for actions). */`,
);
lines.push(`export interface ${iface} {`);
for (const [resource, members] of Object.entries(ifaces)) {
  if (names.resources?.[resource]) lines.push(`  /** ${doc(names.resources[resource])} */`);
  lines.push(`  readonly ${resource}: {`);
  lines.push(members.join('\n'));
  lines.push('  };');
}
lines.push('}');
lines.push('');
lines.push(`/** The method table behind {@link ${iface}} (\`[method, path, flags]\`). */`);
lines.push(`export const resources: Record<string, Record<string, Spec>> = ${JSON.stringify(table)};`);
lines.push('');
lines.push(
  `/** Number of resource methods and of operations they cover. */\nexport const coverage = { methods: ${methods.size}, operations: ${[...methods.values()].reduce((n, m) => n + m.variants.length, 0)} } as const;`,
);
// Spec tuples: drop trailing undefined flags for size.
const out = `${lines.join('\n').replace(/,null\]/g, ']')}\n`;
const files = { 'resources.ts': out };
const genDir = join(pkgDir, 'src', 'generated');
let stale = false;
for (const [name, content] of Object.entries(files)) {
  const file = join(genDir, name);
  let current;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (check) {
    if (current !== content) {
      console.error(`stale: packages/${api}/src/generated/${name} (run pnpm --filter @wfkit/${api} generate)`);
      stale = true;
    }
  } else if (current !== content) {
    mkdirSync(genDir, { recursive: true });
    writeFileSync(file, content);
  }
}
for (const w of warnings) console.warn(`generate-sdk ${api}: ${w}`);
if (!check)
  console.log(
    `generate-sdk ${api}: ${methods.size} methods over ${[...methods.values()].reduce((n, m) => n + m.variants.length, 0)} operations`,
  );
if (stale) process.exit(1);
