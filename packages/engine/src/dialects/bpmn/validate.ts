/**
 * Validation of BPMN documents: XML errors, bpmnlint rules that fit this engine, unsupported elements (from the
 * compiler), and expressions and scripts that don't parse. Every problem names the element and, where known, the line.
 */

import { Linter as BpmnLinter } from 'bpmnlint';
import StaticResolver from 'bpmnlint/lib/resolver/static-resolver.js';
import ruleConditionalFlows from 'bpmnlint/rules/conditional-flows.js';
import ruleEndEventRequired from 'bpmnlint/rules/end-event-required.js';
import ruleFakeJoin from 'bpmnlint/rules/fake-join.js';
import ruleLinkEvent from 'bpmnlint/rules/link-event.js';
import ruleNoDisconnected from 'bpmnlint/rules/no-disconnected.js';
import ruleNoDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows.js';
import ruleNoGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork.js';
import ruleNoImplicitEnd from 'bpmnlint/rules/no-implicit-end.js';
import ruleNoImplicitSplit from 'bpmnlint/rules/no-implicit-split.js';
import ruleNoImplicitStart from 'bpmnlint/rules/no-implicit-start.js';
import ruleSingleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event.js';
import ruleSingleEventDefinition from 'bpmnlint/rules/single-event-definition.js';
import ruleStartEventRequired from 'bpmnlint/rules/start-event-required.js';
import ruleSubProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event.js';
import ruleSuperfluousGateway from 'bpmnlint/rules/superfluous-gateway.js';
import { ExpressionError, parseTemplate } from '../../runtime/expressions/index.js';
import type { ListenerDef, ProcessGraph } from '../../runtime/graph.js';
import { GroovyCompileError, groovyToJavaScript } from '../../runtime/languages/groovy.js';
import { checkScriptSyntax } from '../../runtime/script-sandbox.js';
import { compileDefinitions, type ModdleElement, type ParsedBpmn, type Problem, parseBpmn } from './compile.js';

/** bpmnlint rules that fit this engine, with the severity we report them at. */
const RULE_FACTORIES: Record<string, unknown> = {
  'start-event-required': ruleStartEventRequired,
  'end-event-required': ruleEndEventRequired,
  'no-disconnected': ruleNoDisconnected,
  'no-duplicate-sequence-flows': ruleNoDuplicateSequenceFlows,
  'single-blank-start-event': ruleSingleBlankStartEvent,
  'sub-process-blank-start-event': ruleSubProcessBlankStartEvent,
  'single-event-definition': ruleSingleEventDefinition,
  'link-event': ruleLinkEvent,
  'fake-join': ruleFakeJoin,
  'superfluous-gateway': ruleSuperfluousGateway,
  'no-gateway-join-fork': ruleNoGatewayJoinFork,
  'no-implicit-split': ruleNoImplicitSplit,
  'conditional-flows': ruleConditionalFlows,
  'no-implicit-end': ruleNoImplicitEnd,
  'no-implicit-start': ruleNoImplicitStart,
};

const LINT_RULES: Record<string, 'error' | 'warning'> = {
  'start-event-required': 'error',
  'end-event-required': 'warning',
  'no-disconnected': 'warning',
  // Flowable runs two flows between the same nodes as two flows: worth a warning, not a refusal.
  'no-duplicate-sequence-flows': 'warning',
  'single-blank-start-event': 'error',
  'sub-process-blank-start-event': 'error',
  'single-event-definition': 'error',
  'link-event': 'error',
  'fake-join': 'warning',
  'superfluous-gateway': 'warning',
  'no-gateway-join-fork': 'warning',
  'no-implicit-split': 'warning',
  'conditional-flows': 'warning',
  'no-implicit-end': 'warning',
  'no-implicit-start': 'warning',
};

type Linter = { lint(defs: ModdleElement): Promise<Record<string, { id?: string; message: string }[]>> };

/** A fresh linter per run: some bpmnlint rules keep state in their closure. */
function getLinter(): Linter {
  const rules: Record<string, unknown> = {};
  const cfg: Record<string, string> = {};
  for (const name of Object.keys(LINT_RULES)) {
    rules[`rule:bpmnlint/${name}`] = RULE_FACTORIES[name];
    cfg[name] = 'error';
  }
  return new BpmnLinter({ config: { rules: cfg }, resolver: new StaticResolver(rules) }) as Linter;
}

/** Rules about flows that do not apply to compensation boundary events and handlers, which have none by design. */
const FLOW_RULES = new Set(['no-implicit-end', 'no-implicit-start', 'no-disconnected']);

/** Ids of compensation boundary events and of activities marked isForCompensation. */
function compensationElements(defs: ModdleElement): Set<string> {
  const ids = new Set<string>();
  const visit = (container: ModdleElement) => {
    for (const el of container.flowElements ?? []) {
      const compensates = (el.eventDefinitions ?? []).some(
        (d: ModdleElement) => d.$type === 'bpmn:CompensateEventDefinition',
      );
      if (el.isForCompensation === true || (el.$type === 'bpmn:BoundaryEvent' && compensates)) ids.add(el.id);
      if (el.flowElements) visit(el);
    }
  };
  for (const root of defs?.rootElements ?? []) if (root.$type === 'bpmn:Process') visit(root);
  return ids;
}

async function lint(parsed: ParsedBpmn): Promise<Problem[]> {
  const out: Problem[] = [];
  try {
    const results = await getLinter().lint(parsed.definitions);
    const compensation = compensationElements(parsed.definitions);
    for (const [rule, reports] of Object.entries(results)) {
      for (const r of reports) {
        if (FLOW_RULES.has(rule) && r.id && compensation.has(r.id)) continue;
        out.push({
          severity: LINT_RULES[rule] ?? 'warning',
          rule,
          message: r.message,
          elementId: r.id,
          line: r.id ? parsed.lines.get(r.id) : undefined,
        });
      }
    }
  } catch (e) {
    out.push({ severity: 'warning', message: `Lint failed: ${e instanceof Error ? e.message : String(e)}` });
  }
  return out;
}

function checkExpression(
  problems: Problem[],
  parsed: ParsedBpmn,
  id: string,
  what: string,
  src: string | undefined,
  requireExpr = false,
) {
  if (!src) return;
  try {
    const tpl = parseTemplate(src);
    if (requireExpr && !tpl.parts.some((p) => typeof p !== 'string'))
      problems.push({
        severity: 'error',
        message: `${what} of '${id}' must be an expression \${...}`,
        elementId: id,
        line: parsed.lines.get(id),
      });
  } catch (e) {
    const msg = e instanceof ExpressionError ? e.message : String(e);
    problems.push({
      severity: 'error',
      message: `${what} of '${id}' does not parse: ${msg}`,
      elementId: id,
      line: parsed.lines.get(id),
    });
  }
}

/** 1-based line in the document where the body of the `<script>` element of `id` starts. */
function scriptStartLine(xml: string, id: string): number | undefined {
  const idx = xml.search(new RegExp(`\\bid\\s*=\\s*["']${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`));
  if (idx < 0) return undefined;
  const rest = xml.slice(idx);
  const m = /<(?:[\w-]+:)?script\b[^>]*>(?:\s*<!\[CDATA\[)?/.exec(rest);
  if (!m) return undefined;
  const end = idx + m.index + m[0].length;
  let line = 1;
  for (let i = 0; i < end; i++) if (xml.charCodeAt(i) === 10) line++;
  return line;
}

async function checkGraph(problems: Problem[], parsed: ParsedBpmn, xml: string, g: ProcessGraph) {
  for (const f of Object.values(g.flows)) {
    if (!f.conditionLanguage) checkExpression(problems, parsed, f.id, 'Condition', f.condition, true);
    else if (f.condition)
      await checkScript(
        problems,
        parsed,
        f.id,
        { format: f.conditionLanguage, source: f.condition },
        undefined,
        'Condition',
      );
  }
  for (const n of Object.values(g.nodes)) {
    // Text without ${…} is a literal value expression, as Flowable evaluates it (OpenIDM's chess sample: `black`).
    if (n.service) checkExpression(problems, parsed, n.id, 'Expression', n.service.expression);
    const ut = n.userTask;
    if (ut) {
      checkExpression(problems, parsed, n.id, 'Assignee', ut.assignee);
      checkExpression(problems, parsed, n.id, 'Owner', ut.owner);
      for (const c of ut.candidateUsers) checkExpression(problems, parsed, n.id, 'Candidate users', c);
      for (const c of ut.candidateGroups) checkExpression(problems, parsed, n.id, 'Candidate groups', c);
      checkExpression(problems, parsed, n.id, 'Due date', ut.dueDate);
      checkExpression(problems, parsed, n.id, 'Priority', ut.priority);
      checkExpression(problems, parsed, n.id, 'Name', n.name);
      checkExpression(problems, parsed, n.id, 'Form key', ut.formKey);
      checkExpression(problems, parsed, n.id, 'Category', ut.category);
    }
    for (const fp of [...(ut?.formProperties ?? []), ...(n.startForm?.formProperties ?? [])]) {
      checkExpression(problems, parsed, n.id, `Form property '${fp.id}' expression`, fp.expression);
      checkExpression(problems, parsed, n.id, `Form property '${fp.id}' default`, fp.default);
      const known = ['string', 'long', 'double', 'boolean', 'date', 'enum', 'user', undefined];
      if (!known.includes(fp.type))
        problems.push({
          severity: 'warning',
          message: `Form property '${fp.id}' of '${n.id}' has unknown type '${fp.type}'; it is treated as string`,
          elementId: n.id,
          line: parsed.lines.get(n.id),
        });
    }
    const mi = n.multiInstance;
    if (mi) {
      checkExpression(problems, parsed, n.id, 'Loop cardinality', mi.loopCardinality);
      checkExpression(problems, parsed, n.id, 'Collection', mi.collection);
      checkExpression(problems, parsed, n.id, 'Completion condition', mi.completionCondition, true);
    }
    if (n.event?.timer) checkExpression(problems, parsed, n.id, 'Timer', n.event.timer.value);
    // a sourceExpression without ${…} is a literal value, as Flowable and Camunda evaluate it
    const mapped = [n.callActivity, n.payload].flatMap((m) => [...(m?.inMappings ?? []), ...(m?.outMappings ?? [])]);
    for (const m of mapped) checkExpression(problems, parsed, n.id, 'Variable mapping', m.sourceExpression);
    // (BPMN's parameters are text; the structured values are other dialects')
    for (const p of [...(n.inputOutput?.inputs ?? []), ...(n.inputOutput?.outputs ?? [])])
      if (typeof p.value === 'string') checkExpression(problems, parsed, n.id, `Parameter '${p.name}'`, p.value);
    if (n.script?.format === 'juel') checkExpression(problems, parsed, n.id, 'JUEL script', n.script.source);
    else if (n.script?.source) await checkScript(problems, parsed, n.id, n.script, scriptStartLine(xml, n.id));
    for (const l of [...(n.listeners ?? []), ...(ut?.listeners ?? [])]) await checkListener(problems, parsed, n.id, l);
  }
  for (const f of Object.values(g.flows))
    for (const l of f.listeners ?? []) await checkListener(problems, parsed, f.id, l);
  for (const l of g.listeners ?? []) await checkListener(problems, parsed, g.id, l);
}

/** A listener's expression or script parses (its problems are on its element's line). */
async function checkListener(problems: Problem[], parsed: ParsedBpmn, id: string, l: ListenerDef) {
  const what = `Listener (event '${l.event}')`;
  if (l.expression) checkExpression(problems, parsed, id, `${what} expression`, l.expression);
  else if (l.script?.format === 'juel') checkExpression(problems, parsed, id, `${what} JUEL script`, l.script.source);
  else if (l.script) await checkScript(problems, parsed, id, l.script, undefined, `${what} script`);
}

/** A JavaScript or Groovy script compiles; `start` is the document line of its first line, when known. */
async function checkScript(
  problems: Problem[],
  parsed: ParsedBpmn,
  id: string,
  script: { format: string; source: string },
  start: number | undefined,
  label = 'Script',
) {
  const at = (scriptLine: number | undefined) =>
    start !== undefined && scriptLine !== undefined ? start + scriptLine - 1 : parsed.lines.get(id);
  const groovy = script.format === 'groovy';
  let source = script.source;
  if (groovy) {
    try {
      source = groovyToJavaScript(script.source);
    } catch (e) {
      if (!(e instanceof GroovyCompileError)) throw e;
      problems.push({
        severity: 'error',
        message: `Groovy ${label.toLowerCase()} of '${id}' uses Groovy this engine cannot run (script line ${e.line}): ${e.message.replace(/^Groovy line \d+: /, '')}`,
        elementId: id,
        line: at(e.line),
      });
      return;
    }
  }
  const bad = await checkScriptSyntax(source);
  if (bad) {
    problems.push({
      severity: 'error',
      message: groovy
        ? `Groovy ${label.toLowerCase()} of '${id}' does not compile (script line ${bad.line ?? '?'}): ${bad.message}`
        : `${label} of '${id}' does not parse (script line ${bad.line ?? '?'}): ${bad.message}`,
      elementId: id,
      line: at(bad.line),
    });
  }
}

export interface ValidationResult {
  valid: boolean;
  problems: Problem[];
  graphs: ProcessGraph[];
}

/** Validates a BPMN document; `valid` is false when any problem is an error. */
export async function validateBpmn(xml: string): Promise<ValidationResult> {
  const parsed = await parseBpmn(xml);
  const problems = [...parsed.problems];
  if (!parsed.definitions) return { valid: false, problems, graphs: [] };
  const compiled = compileDefinitions(parsed);
  problems.push(...compiled.problems);
  problems.push(...(await lint(parsed)));
  for (const g of compiled.graphs) await checkGraph(problems, parsed, xml, g);
  // de-duplicate identical messages for one element
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const k = `${p.elementId}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { valid: !unique.some((p) => p.severity === 'error'), problems: unique, graphs: compiled.graphs };
}

export class BpmnValidationError extends Error {
  constructor(readonly problems: Problem[]) {
    const errs = problems.filter((p) => p.severity === 'error');
    super(
      `Invalid BPMN: ${errs
        .slice(0, 5)
        .map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message))
        .join('; ')}${errs.length > 5 ? ` (and ${errs.length - 5} more)` : ''}`,
    );
    this.name = 'BpmnValidationError';
  }
}

/** Validates and compiles; throws BpmnValidationError with every problem when the document has errors. */
export async function compileBpmn(xml: string): Promise<{ graphs: ProcessGraph[]; warnings: Problem[] }> {
  const r = await validateBpmn(xml);
  if (!r.valid) throw new BpmnValidationError(r.problems);
  return { graphs: r.graphs.filter((g) => g.isExecutable), warnings: r.problems };
}
