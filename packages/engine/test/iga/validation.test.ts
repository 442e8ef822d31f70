import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateIgaDefinition } from '../../src/dialects/iga/validate.js';
import { testStores } from '../../src/store/test-stores.js';
import { definition, type IgaHarness, igaHarness } from './helpers.js';

const rules = (d: unknown) => validateIgaDefinition(d as never).map((p) => `${p.rule} ${p.step} ${p.field}`);

describe('IGA validation rules (the validator itself)', () => {
  it('accepts the valid test definition', () => {
    expect(validateIgaDefinition(definition('ok'))).toEqual([]);
  });

  it('duplicateStepName and invalidStepName', () => {
    const d = definition('x');
    d.steps[4].name = 'scriptTask-000000000004';
    d.steps.push({ ...d.steps[3], name: '9bad' });
    const r = rules(d);
    expect(r).toContain('duplicateStepName scriptTask-000000000004 /steps/4/name');
    expect(r).toContain('invalidStepName 9bad /steps/5/name');
  });

  it('unknownStepType', () => {
    const d = definition('x');
    d.steps[3].type = 'httpTask';
    expect(rules(d)).toContain('unknownStepType scriptTask-000000000004 /steps/3/type');
  });

  it('missingStepBody and extraStepBody, without calling the steps before a missing body dead ends', () => {
    const d = definition('x');
    d.steps[2] = {
      name: 'approvalTask-000000000003',
      displayName: 'A',
      type: 'approvalTask',
      scriptTask: d.steps[3].scriptTask,
    };
    const r = rules(d);
    expect(r).toContain('missingStepBody approvalTask-000000000003 /steps/2/approvalTask');
    expect(r).toContain('extraStepBody approvalTask-000000000003 /steps/2/scriptTask');
    expect(r.filter((x) => x.startsWith('noPathToEnd'))).toEqual([]);
  });

  it('missingField per type', () => {
    const d = definition('x');
    delete d.steps[2].approvalTask.actors;
    delete d.steps[3].scriptTask.script;
    const r = rules(d);
    expect(r).toContain('missingField approvalTask-000000000003 /steps/2/approvalTask/actors');
    expect(r).toContain('missingField scriptTask-000000000004 /steps/3/scriptTask/script');
  });

  it('invalidOutcome, duplicateOutcome and missingOutcome', () => {
    const d = definition('x');
    const next = d.steps[2].approvalTask.nextStep;
    next[0].outcome = 'FULFILL';
    next[2].outcome = 'REJECT';
    const r = rules(d);
    expect(r).toContain('invalidOutcome approvalTask-000000000003 /steps/2/approvalTask/nextStep/0/outcome');
    expect(r).toContain('duplicateOutcome approvalTask-000000000003 /steps/2/approvalTask/nextStep/2/outcome');
    expect(r).toContain('missingOutcome approvalTask-000000000003 /steps/2/approvalTask/nextStep');
    const s = definition('y');
    s.steps[3].scriptTask.nextStep = [];
    expect(rules(s)).toContain('missingOutcome scriptTask-000000000004 /steps/3/scriptTask/nextStep');
  });

  it('unknownNextStep', () => {
    const d = definition('x');
    d.steps[0].scriptTask.nextStep[0].step = 'nowhere';
    expect(rules(d)).toContain('unknownNextStep scriptTask-000000000001 /steps/0/scriptTask/nextStep/0/step');
  });

  it('invalidCondition, invalidScript and invalidExpression parse JavaScript', () => {
    const d = definition('x');
    d.steps[1].scriptTask.nextStep[1].condition = 'failureReason !=';
    d.steps[3].scriptTask.script = 'var x = ;';
    d.steps[2].approvalTask.actors[1].id.value = '"managed/user/" +';
    d.steps[2].approvalTask.events.expiration.date.value = 'new Date(';
    const p = validateIgaDefinition(d);
    expect(p.map((x) => `${x.rule} ${x.field}`)).toEqual([
      'invalidCondition /steps/1/scriptTask/nextStep/1/condition',
      'invalidExpression /steps/2/approvalTask/actors/1/id/value',
      'invalidExpression /steps/2/approvalTask/events/expiration/date/value',
      'invalidScript /steps/3/scriptTask/script',
    ]);
    expect(p[0]!.message).toBe(
      "The condition of outcome 'validationFailure' is not a valid JavaScript expression: Unexpected token (1:16)",
    );
    // A script with a top-level return and an actors script are fine.
    const ok = definition('y');
    ok.steps[3].scriptTask.script = 'if (a) { return 1; }\nreturn 2;';
    ok.steps[2].approvalTask.actors = {
      isExpression: true,
      value: 'var list = [];\nlist.push({id: "managed/user/1"});\nreturn list;',
    };
    expect(validateIgaDefinition(ok)).toEqual([]);
  });

  it('invalidActor and invalidPermission', () => {
    const d = definition('x');
    d.steps[2].approvalTask.actors[0].id = { isExpression: false, value: 'user/1' };
    d.steps[2].approvalTask.actors[1].permissions = { approve: true, remediate: true };
    const r = rules(d);
    expect(r).toContain('invalidActor approvalTask-000000000003 /steps/2/approvalTask/actors/0/id/value');
    expect(r).toContain(
      'invalidPermission approvalTask-000000000003 /steps/2/approvalTask/actors/1/permissions/remediate',
    );
  });

  it('invalidEvent', () => {
    const d = definition('x');
    d.steps[2].approvalTask.events = {
      reminder: { notification: 'requestReminder' },
      escalation: { notification: 'requestEscalated', date: { isExpression: true, value: 'x' } },
      expiration: { action: 'reassign', date: { isExpression: true, value: 'x' } },
    };
    const r = rules(d);
    expect(r).toContain('invalidEvent approvalTask-000000000003 /steps/2/approvalTask/events/reminder/date');
    expect(r).toContain('invalidEvent approvalTask-000000000003 /steps/2/approvalTask/events/escalation/actors');
    expect(r).toContain('invalidEvent approvalTask-000000000003 /steps/2/approvalTask/events/expiration/actors');
  });

  it('missingStart, listed first with step null', () => {
    const d = definition('x');
    d.staticNodes.startNode.connections = {};
    const p = validateIgaDefinition(d);
    expect(p[0]).toMatchObject({ step: null, rule: 'missingStart', field: '/staticNodes/startNode/connections/start' });
    d.staticNodes.startNode.connections = { start: 'ghost' };
    expect(rules(d)[0]).toBe('missingStart null /staticNodes/startNode/connections/start');
  });

  it('unreachableStep and noPathToEnd', () => {
    const d = definition('x');
    d.steps[1].scriptTask.nextStep[1].step = 'approvalTask-000000000003'; // nothing leads to the reject script any more
    d.steps[2].approvalTask.nextStep[1].step = 'scriptTask-000000000004';
    d.steps[2].approvalTask.nextStep[2].step = 'scriptTask-000000000004';
    d.steps.push({
      name: 'loop-a',
      displayName: 'loop',
      type: 'scriptTask',
      scriptTask: {
        nextStep: [{ condition: 'true', outcome: 'done', step: 'loop-a' }],
        language: 'javascript',
        script: '',
      },
    });
    const r = rules(d);
    expect(r).toContain('unreachableStep scriptTask-000000000005 /steps/4');
    expect(r).toContain('unreachableStep loop-a /steps/5');
    expect(r).toContain('noPathToEnd loop-a /steps/5');
    expect(r.filter((x) => x.startsWith('noPathToEnd'))).toHaveLength(1);
  });
});

describe.each(testStores())('IGA _action=validate over HTTP on $name', (factory) => {
  let h: IgaHarness;
  beforeAll(async () => {
    h = await igaHarness(factory);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 200 {valid, errors} listing every problem with step and field, storing nothing', async () => {
    const d = definition('valCheck');
    d.steps[1].scriptTask.nextStep[1].condition = 'failureReason !=';
    d.steps[2].approvalTask.nextStep[1].step = 'scriptTask-000000000000';
    d.steps[2].approvalTask.actors[0].permissions = { approve: true, remediate: true };
    d.steps[4] = { name: 'scriptTask-000000000005', displayName: 'Reject', type: 'scriptTask' };
    const r = await h.call('POST', '/iga/governance/workflow?_action=validate', { body: d });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors.map((e: { rule: string; step: string }) => `${e.rule} ${e.step}`)).toEqual([
      'invalidCondition exclusiveGateway-000000000002',
      'unknownNextStep approvalTask-000000000003',
      'invalidPermission approvalTask-000000000003',
      'missingStepBody scriptTask-000000000005',
    ]);
    expect((await h.call('GET', '/iga/governance/workflow/valCheck/draft')).status).toBe(404);
  });

  it('answers 400 with rule "schema" for a body that does not match the schema', async () => {
    const d = definition('valSchema');
    d.steps[2].approvalTask.nextStep[0].outcome = 'DONE';
    const r = await h.call('POST', '/auto/orchestration/definition?_action=validate', { body: d });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ rule: 'schema', field: '/steps/2/approvalTask/nextStep/0/outcome' });
  });
});
