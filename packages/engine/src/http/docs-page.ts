/**
 * /docs: a self-contained API reference for the specs (no CDN: every script and style is inline). Lists each API's
 * operations with parameters, request body and responses; the raw specs are at /docs/<api>.json.
 */
import type { MediaType, OpenApiDocument, Operation, Parameter } from './openapi.js';
import { deref, HTTP_METHODS } from './openapi.js';

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function schemaName(doc: OpenApiDocument, schema: unknown): string {
  if (!schema || typeof schema !== 'object') return '';
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') return s.$ref.split('/').pop()!;
  if (s.type === 'array') return `${schemaName(doc, s.items)}[]`;
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    if (Array.isArray(s[k]))
      return (s[k] as unknown[]).map((x) => schemaName(doc, x)).join(k === 'allOf' ? ' & ' : ' | ');
  }
  return String(s.type ?? 'object');
}

function renderOperation(
  doc: OpenApiDocument,
  basePath: string,
  path: string,
  method: string,
  op: Operation,
  pathParams: unknown[],
) {
  const params = [...(pathParams ?? []), ...(op.parameters ?? [])].map((p) => deref<Parameter>(doc, p as Parameter));
  const body = op.requestBody ? deref(doc, op.requestBody) : undefined;
  const bodyContent = body && 'content' in body ? (body.content as Record<string, MediaType>) : {};
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required || p.in === 'path' ? 'yes' : ''}</td><td>${esc(schemaName(doc, p.schema))}</td><td>${esc(p.description ?? '')}</td></tr>`,
    )
    .join('');
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => {
      const resp = deref(doc, r) as { description?: string; content?: Record<string, MediaType> };
      const types = Object.entries(resp?.content ?? {})
        .map(([t, m]) => `${esc(t)}: <code>${esc(schemaName(doc, m.schema))}</code>`)
        .join(', ');
      return `<li><b>${esc(status)}</b> ${esc(resp?.description ?? '')} ${types}</li>`;
    })
    .join('');
  const id = `${esc(op.operationId ?? `${method}-${path}`)}`;
  return `<details class="op" id="${id}"><summary><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(basePath + path)}</code> ${esc(op.summary ?? '')}${op.deprecated ? ' <em>(deprecated)</em>' : ''}</summary>
<div class="body"><p class="opid">operationId <code>${esc(op.operationId ?? '')}</code></p><pre class="desc">${esc(op.description ?? '')}</pre>
${rows ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${rows}</table>` : ''}
${
  Object.keys(bodyContent).length
    ? `<h4>Request body</h4><ul>${Object.entries(bodyContent)
        .map(([t, m]) => `<li>${esc(t)}: <code>${esc(schemaName(doc, m.schema))}</code></li>`)
        .join('')}</ul>`
    : ''
}
<h4>Responses</h4><ul>${responses}</ul></div></details>`;
}

export function renderDocsPage(apis: { name: string; spec: OpenApiDocument; basePath: string }[]): string {
  const sections = apis
    .map(({ name, spec, basePath }) => {
      const ops = Object.entries(spec.paths ?? {})
        .flatMap(([path, item]) =>
          HTTP_METHODS.filter((m) => item?.[m]).map((m) =>
            renderOperation(spec, basePath, path, m, item[m] as Operation, (item.parameters as unknown[]) ?? []),
          ),
        )
        .join('\n');
      return `<section id="${esc(name)}"><h2>${esc(spec.info?.title ?? name)} <small>${esc(spec.info?.version ?? '')} · <a href="/docs/${esc(name)}.json">${esc(name)}.json</a></small></h2>
<details><summary>About this API</summary><pre class="desc">${esc(spec.info?.description ?? '')}</pre></details>${ops}</section>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wfkit API reference</title><style>
body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;color:#222}
nav a{margin-right:1rem}h2{border-bottom:2px solid #ddd;padding-bottom:.3rem;margin-top:2rem}h2 small{font-weight:normal;color:#777;font-size:60%}
.op{border:1px solid #ddd;border-radius:6px;margin:.4rem 0}.op summary{cursor:pointer;padding:.4rem .6rem}.op .body{padding:0 1rem 1rem}
.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-weight:bold;font-size:12px;padding:1px 4px}
.get{background:#2b7bb9}.post{background:#2f9e44}.put{background:#e67700}.delete{background:#c92a2a}.patch{background:#862e9c}.head,.options,.trace{background:#666}
pre.desc{white-space:pre-wrap;font:inherit}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
.opid{color:#777}</style></head><body><h1>wfkit API reference</h1>
<nav>${apis.map((a) => `<a href="#${esc(a.name)}">${esc(a.spec.info?.title ?? a.name)}</a>`).join('')}</nav>
${sections || '<p>No API specs are present in this build.</p>'}</body></html>`;
}
