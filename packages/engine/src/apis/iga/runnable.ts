/**
 * Makes a compiled IGA graph (dialects/iga/compile.ts) runnable on the shared runtime without changing the runtime:
 *
 * - the runtime evaluates flow conditions as JUEL, while IGA conditions are JavaScript: before every conditional
 *   gateway a script task `<gateway>__eval` evaluates each outgoing flow's JavaScript condition in the sandbox (with
 *   the process variables in scope) into the variable `__cond`, and the flow's condition becomes `${__cond.<flow>}`;
 * - scripts get a prelude (on their first line, so errors name the script's own lines): `logger`, an `openidm` that
 *   answers the request's own `iga/governance/requests/<id>` calls (GET → the request, `_action=update` → the
 *   `requestDecision` variable) and passes every other call to the host's `openidm` (openidm/host.ts: managed
 *   objects, grants, the outbox; a runtime without the IGA module has no host, and such a call fails the script);
 *   and `execution.getVariables().get(name)` as in the Java map scripts expect;
 * - before every human step a script task `<step>__prepare` resolves the step's actors (static ids and expressions)
 *   into `__actors_<step>` (the request reads the phase's actors from it);
 * - a wait step's resume date (JavaScript) is worked out by `<step>__prepare` into `__resume_<step>`, the timer's date;
 * - an expiration boundary timer's date (JavaScript) is worked out by `<step>__prepare` too (`__due_<step>`); when it
 *   fires, `<boundary>__expired` sets the outcome (EXPIRATION, or the expiration's action) and `__expired_<step>`;
 * - email steps record their message in the outbox (`external/email`, outbox.ts): outcome SUCCESS, or FAILED.
 */

import type { IgaGraphNode, IgaProcessGraph } from '../../dialects/iga/compile.js';
import { bodyOf } from '../../dialects/iga/types.js';
import type { GraphFlow, GraphNode } from '../../runtime/graph.js';

export const PRELUDE = `var logger = { info: function () {}, warn: function () {}, error: function () {}, debug: function () {} };
(function () {
  var gv = execution.getVariables;
  execution.getVariables = function () {
    var v = gv();
    Object.defineProperty(v, 'get', { value: function (k) { return v[k] === undefined ? null : v[k]; }, enumerable: false });
    return v;
  };
})();
var openidm = (function (host) {
  function none() {
    throw new Error('openidm is not available: no script host is registered (the IGA module registers it)');
  }
  return {
    action: function (path, method, body, params) {
      var m = /^iga\\/governance\\/requests\\/([^/]+)$/.exec(String(path));
      if (m && m[1] === execution.getVariable('id')) {
        if (params && params._action === 'update') {
          var d = execution.getVariable('requestDecision') || {};
          for (var k in body) d[k] = body[k];
          execution.setVariable('requestDecision', d);
          return {};
        }
        if (String(method).toUpperCase() === 'GET') return execution.getVariable('request');
      }
      return host ? host.action(path, method, body, params) : none();
    },
    read: function (path, params, fields) { return host ? host.read(path, params, fields) : none(); },
    create: function (path, id, body, params, fields) { return host ? host.create(path, id, body, params, fields) : none(); },
    patch: function (path, rev, body, params, fields) { return host ? host.patch(path, rev, body, params, fields) : none(); },
    update: function (path, rev, body, params, fields) { return host ? host.update(path, rev, body, params, fields) : none(); },
    query: function (path, params, fields) { return host ? host.query(path, params, fields) : none(); },
    delete: function (path, rev, params, fields) { return host ? host.delete(path, rev, params, fields) : none(); }
  };
})(typeof openidm === 'object' && openidm !== null && typeof openidm.read === 'function' ? openidm : null);
`;

/** The prelude on one line before a script's first line, so errors name the script's own line numbers. */
const PREFIX = PRELUDE.replace(/\n\s*/g, ' ');

const HUMAN = new Set(['approvalTask', 'fulfillmentTask', 'violationTask']);

/** A value of an email step: a literal, or `{isExpression, value}` worked out over the process variables. */
function valueCode(target: string, v: unknown): string {
  const e = v as { isExpression?: boolean; value?: unknown } | null;
  if (e && typeof e === 'object' && e.isExpression === true && typeof e.value === 'string')
    return `try { with (v) { ${target} = (${e.value}); } } catch (e) { ${target} = null; }`;
  return `${target} = ${JSON.stringify(v ?? null)};`;
}

/**
 * An email step: its recipients, template and object worked out, then recorded through `openidm.action('external/
 * email', 'send', …)` (the outbox, outbox.ts); outcome SUCCESS, or FAILED when the message can't be sent (no
 * recipient, a bad address).
 */
function emailScript(node: IgaGraphNode): string {
  const step = node.igaStep;
  const body = (step ? bodyOf(step) : undefined) as Record<string, unknown> | undefined;
  const object = (body?.object ?? {}) as Record<string, unknown>;
  const lines = [
    'var v = execution.getVariables(); var m = { object: {} };',
    valueCode('m.to', body?.to),
    valueCode('m.cc', body?.cc),
    valueCode('m.bcc', body?.bcc),
    valueCode('m.templateName', body?.templateName),
    ...Object.entries(object).map(([k, x]) => valueCode(`m.object[${JSON.stringify(k)}]`, x)),
    `m.requestId = v.id === undefined ? null : v.id; m.step = ${JSON.stringify(step?.name ?? node.id)};`,
    "try { openidm.action('external/email', 'send', m, {}); execution.setVariable('outcome', 'SUCCESS'); }",
    "catch (e) { execution.setVariable('outcome', 'FAILED'); execution.setVariable('emailFailure', String(e && e.message || e)); }",
  ];
  return lines.join('\n');
}

export function runnableGraph(compiled: IgaProcessGraph, processId: string): IgaProcessGraph {
  const g: IgaProcessGraph = JSON.parse(JSON.stringify(compiled));
  g.id = processId;
  let n = 0;
  const newFlow = (source: string, target: string): string => {
    const id = `flow_x${++n}`;
    g.flows[id] = { id, source, target } as GraphFlow;
    g.nodes[source]!.outgoing.push(id);
    g.nodes[target]!.incoming.push(id);
    return id;
  };
  /** A script task placed in front of `target`: every flow into target now enters the script. */
  const inFront = (target: string, id: string, source: string) => {
    const t = g.nodes[target]!;
    const node: GraphNode = {
      id,
      type: 'scriptTask',
      parent: null,
      incoming: [...t.incoming],
      outgoing: [],
      script: { format: 'javascript', source },
    } as GraphNode;
    g.nodes[id] = node;
    for (const f of t.incoming) g.flows[f]!.target = id;
    t.incoming = [];
    newFlow(id, target);
  };

  // Expiration timers: the date (JavaScript) is worked out by the step's `__prepare` script into `__due_<step>`; when
  // the timer fires, a script sets the outcome (EXPIRATION when the step has that transition, else the expiration's
  // action) and marks the phase expired before the outcome gateway.
  const dueVars = new Map<string, { variable: string; expr: string }>();
  for (const node of Object.values({ ...g.nodes })) {
    if (node.type !== 'boundaryEvent') continue;
    const host = g.nodes[node.attachedTo!] as IgaGraphNode | undefined;
    const step = host?.igaStep;
    const body = step ? bodyOf(step) : undefined;
    const date = body?.events?.expiration?.date as { isExpression?: boolean; value?: unknown } | undefined;
    const variable = `__due_${host!.id.replace(/\W/g, '_')}`;
    dueVars.set(host!.id, {
      variable,
      expr:
        date?.isExpression && typeof date.value === 'string' ? date.value : JSON.stringify(String(date?.value ?? '')),
    });
    node.event = { kind: 'timer', timer: { type: 'date', value: `\${${variable}}` } };
    const hasExpiration = (body?.nextStep ?? []).some((n) => n.outcome === 'EXPIRATION');
    const action = String(body?.events?.expiration?.action ?? '').toUpperCase();
    const outcome = hasExpiration ? 'EXPIRATION' : action || 'EXPIRATION';
    const script = `${node.id}__expired`;
    g.nodes[script] = {
      id: script,
      type: 'scriptTask',
      parent: null,
      incoming: [],
      outgoing: [],
      script: {
        format: 'javascript',
        source: `execution.setVariable('outcome', ${JSON.stringify(outcome)}); execution.setVariable(${JSON.stringify(`__expired_${host!.id}`)}, true);`,
      },
    } as GraphNode;
    for (const f of node.outgoing) {
      const flow = g.flows[f]!;
      const t = g.nodes[flow.target]!;
      t.incoming = t.incoming.filter((x) => x !== f);
      flow.target = script;
      g.nodes[script]!.incoming.push(f);
      newFlow(script, t.id);
    }
  }

  for (const node of Object.values({ ...g.nodes })) {
    if (node.type === 'scriptTask' && node.script) node.script.source = PREFIX + node.script.source;
    if (node.type === 'serviceTask') {
      node.type = 'scriptTask';
      node.script = { format: 'javascript', source: PREFIX + emailScript(node as IgaGraphNode) };
      delete node.service;
    }
  }

  for (const node of Object.values({ ...g.nodes })) {
    if (node.type !== 'exclusiveGateway' && node.type !== 'inclusiveGateway') continue;
    const conds = node.outgoing.map((f) => [f, g.flows[f]!.condition] as const).filter(([, c]) => c !== undefined);
    if (conds.length === 0) continue;
    const lines = conds.map(
      ([f, c]) =>
        `try { with (v) { r[${JSON.stringify(f)}] = !!(${c}); } } catch (e) { r[${JSON.stringify(f)}] = false; }`,
    );
    const source = `var v = execution.getVariables(); if (v.outcome === undefined) v.outcome = null; var r = {};\n${lines.join('\n')}\nexecution.setVariable('__cond', r);`;
    for (const [f] of conds) g.flows[f]!.condition = `\${__cond.${f}}`;
    inFront(node.id, `${node.id}__eval`, source);
  }

  for (const node of Object.values({ ...g.nodes })) {
    const step = (node as { igaStep?: { type: string } }).igaStep;
    if (!step || !HUMAN.has(step.type) || node.type !== 'userTask') continue;
    const actors = (bodyOf(step as never)?.actors ?? []) as { id: unknown; permissions?: Record<string, boolean> }[];
    const lines = actors.map((a) => {
      const perms = JSON.stringify(a.permissions ?? {});
      const id = a.id as string | { isExpression?: boolean; value?: string };
      if (typeof id === 'string') return `out.push({ id: ${JSON.stringify(id)}, permissions: ${perms} });`;
      if (id && typeof id === 'object' && id.isExpression && typeof id.value === 'string')
        return `try { with (v) { out.push({ id: String(${id.value}), permissions: ${perms} }); } } catch (e) {}`;
      return '';
    });
    const due = dueVars.get(node.id);
    if (due)
      lines.push(
        `var d = null; try { with (v) { d = (${due.expr}); } } catch (e) { d = null; }\nif (d instanceof Date) d = d.toISOString();\nif (d === null || isNaN(new Date(String(d)).getTime())) d = '9999-12-31T00:00:00.000Z';\nexecution.setVariable(${JSON.stringify(due.variable)}, String(d));\nexecution.setVariable(${JSON.stringify(`__deadline_${node.id}`)}, String(d));`,
      );
    const source = `var v = execution.getVariables(); var out = [];\n${lines.join('\n')}\nexecution.setVariable(${JSON.stringify(`__actors_${node.id}`)}, out);`;
    inFront(node.id, `${node.id}__prepare`, source);
  }

  // Wait steps: the resume date is JavaScript; a script works it out into `__resume_<step>` for the timer.
  for (const node of Object.values({ ...g.nodes })) {
    const step = (node as { igaStep?: { type: string } }).igaStep;
    if (step?.type !== 'waitTask' || node.type !== 'intermediateCatchEvent') continue;
    const rd = (bodyOf(step as never) as { resumeDate?: { isExpression?: boolean; value?: unknown } } | undefined)
      ?.resumeDate;
    const expr = rd?.isExpression && typeof rd.value === 'string' ? rd.value : JSON.stringify(String(rd?.value ?? ''));
    const variable = `__resume_${node.id.replace(/\W/g, '_')}`;
    const source = `var v = execution.getVariables(); var r = null;\ntry { with (v) { r = (${expr}); } } catch (e) { r = null; }\nif (r instanceof Date) r = r.toISOString();\nexecution.setVariable(${JSON.stringify(variable)}, r === null ? new Date().toISOString() : String(r));`;
    node.event = { kind: 'timer', timer: { type: 'date', value: `\${${variable}}` } };
    inFront(node.id, `${node.id}__prepare`, source);
  }
  return g;
}
