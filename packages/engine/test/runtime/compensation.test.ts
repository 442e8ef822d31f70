import { describe, expect, it } from 'vitest';
import { validateBpmn } from '../../src/dialects/bpmn/index.js';
import type { Runtime } from '../../src/runtime/commands.js';
import type { Db } from '../../src/store/db.js';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { bpmnRuntimeOn } from '../helpers/bpmn-runtime.js';

/** A script task appending `what` (an expression in the script) to the process variable `log`. */
const logScript = (id: string, what: string, extra = '') =>
  `<scriptTask id="${id}" scriptFormat="javascript" ${extra}><script>execution.setVariable('log', (execution.getVariable('log') || '') + ${what})</script></scriptTask>`;
/** An activity `id` with a compensation boundary event associated with `handler`. */
const compensable = (activity: string, id: string, handler: string) =>
  `${activity}<boundaryEvent id="${id}_comp" attachedToRef="${id}"><compensateEventDefinition/></boundaryEvent>` +
  `<association associationDirection="One" sourceRef="${id}_comp" targetRef="${handler}"/>`;
const throwEvent = (id: string, attrs = '') =>
  `<intermediateThrowEvent id="${id}"><compensateEventDefinition ${attrs}/></intermediateThrowEvent>`;

describe.each(testStores())('compensation on $name', (factory) => {
  const setup = bpmnRuntimeOn(factory);
  const tasks = async (db: Db, instanceId: string) =>
    (
      await db.query<{ id: string; task_def_key: string }>(
        'SELECT id, task_def_key FROM wf_task WHERE instance_id = $1 ORDER BY create_time, id',
        [instanceId],
      )
    ).rows;
  const complete = async (rt: Runtime, db: Db, instanceId: string, key: string) => {
    const t = (await tasks(db, instanceId)).find((x) => x.task_def_key === key);
    if (!t) throw new Error(`no task ${key}`);
    await rt.completeTask(t.id);
  };
  const log = async (db: Db, instanceId: string) =>
    (
      await db.query<{ value: unknown }>(
        "SELECT value FROM wf_hi_variable WHERE instance_id = $1 AND scope_id = instance_id AND name = 'log'",
        [instanceId],
      )
    ).rows[0]?.value;
  const running = async (db: Db, id: string) =>
    (await db.query('SELECT 1 FROM wf_instance WHERE id = $1', [id])).rowCount === 1;
  const subscriptions = async (db: Db, id: string) =>
    (
      await db.query<{ activity_id: string }>(
        "SELECT activity_id FROM wf_execution WHERE instance_id = $1 AND kind = 'compensation' ORDER BY id",
        [id],
      )
    ).rows.map((r) => r.activity_id);

  const threeSteps = (throwAttrs = '') =>
    bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'a')}` +
        compensable(logScript('a', "'a'"), 'a', 'undoA') +
        flow('f2', 'a', 'b') +
        compensable(logScript('b', "'b'"), 'b', 'undoB') +
        flow('f3', 'b', 'c') +
        compensable(logScript('c', "'c'"), 'c', 'undoC') +
        `${flow('f4', 'c', 'wait')}<userTask id="wait"/>${flow('f5', 'wait', 't')}${throwEvent('t', throwAttrs)}` +
        `${flow('f6', 't', 'e')}<endEvent id="e"/>` +
        logScript('undoA', "'A'", 'isForCompensation="true"') +
        logScript('undoB', "'B'", 'isForCompensation="true"') +
        logScript('undoC', "'C'", 'isForCompensation="true"'),
    );

  it('runs the handlers of completed activities in reverse order of completion, from durable subscriptions', async () => {
    const { rt, db } = await setup(threeSteps());
    const r = await rt.startInstance({ key: 'p' });
    expect(await subscriptions(db, r.id)).toEqual(['a', 'b', 'c']);
    await complete(rt, db, r.id, 'wait');
    expect(await log(db, r.id)).toBe('abcCBA');
    expect(await running(db, r.id)).toBe(false);
    const acts = await db.query<{ activity_id: string }>(
      "SELECT activity_id FROM wf_hi_activity WHERE instance_id = $1 AND activity_id LIKE 'undo%' ORDER BY id",
      [r.id],
    );
    expect(acts.rows.map((a) => a.activity_id)).toEqual(['undoC', 'undoB', 'undoA']);
  });

  it('runs only the handler of the activityRef', async () => {
    const { rt, db } = await setup(threeSteps('activityRef="b"'));
    const r = await rt.startInstance({ key: 'p' });
    await complete(rt, db, r.id, 'wait');
    expect(await log(db, r.id)).toBe('abcB');
  });

  it('compensates nothing that has not completed, and the subscriptions go with the instance', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'fork')}<parallelGateway id="fork"/>${flow('f2', 'fork', 'a')}${flow('f3', 'fork', 'b')}` +
        compensable(logScript('a', "'a'"), 'a', 'undoA') +
        compensable('<userTask id="b"/>', 'b', 'undoB') +
        `${flow('f4', 'a', 't')}${throwEvent('t')}${flow('f5', 't', 'e1')}<endEvent id="e1"/>${flow('f6', 'b', 'e2')}<endEvent id="e2"/>` +
        logScript('undoA', "'A'", 'isForCompensation="true"') +
        logScript('undoB', "'B'", 'isForCompensation="true"'),
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    expect(await log(db, r.id)).toBe('aA');
    expect(await subscriptions(db, r.id)).toEqual([]);
    await complete(rt, db, r.id, 'b');
    expect(await subscriptions(db, r.id)).toEqual([]);
    expect(await running(db, r.id)).toBe(false);
  });

  it('waits for a handler that is a wait state unless waitForCompletion is false', async () => {
    const xml = (attrs: string) =>
      bpmn(
        `<startEvent id="s"/>${flow('f1', 's', 'a')}` +
          compensable('<userTask id="a"/>', 'a', 'undoA') +
          `${flow('f2', 'a', 't')}${throwEvent('t', attrs)}${flow('f3', 't', 'after')}<userTask id="after"/>${flow('f4', 'after', 'e')}<endEvent id="e"/>` +
          '<userTask id="undoA" isForCompensation="true"/>',
      );
    const waiting = await setup(xml(''));
    const r = await waiting.rt.startInstance({ key: 'p' });
    await complete(waiting.rt, waiting.db, r.id, 'a');
    expect((await tasks(waiting.db, r.id)).map((t) => t.task_def_key)).toEqual(['undoA']);
    await complete(waiting.rt, waiting.db, r.id, 'undoA');
    expect((await tasks(waiting.db, r.id)).map((t) => t.task_def_key)).toEqual(['after']);

    const going = await setup(xml('waitForCompletion="false"'));
    const r2 = await going.rt.startInstance({ key: 'p' });
    await complete(going.rt, going.db, r2.id, 'a');
    expect((await tasks(going.db, r2.id)).map((t) => t.task_def_key).sort()).toEqual(['after', 'undoA']);
    await complete(going.rt, going.db, r2.id, 'after');
    expect(await running(going.db, r2.id)).toBe(true); // the handler still runs in the process
    await complete(going.rt, going.db, r2.id, 'undoA');
    expect(await running(going.db, r2.id)).toBe(false);
  });

  it('a throw inside a sub-process compensates only what completed inside it', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'outer')}` +
        compensable(logScript('outer', "'o'"), 'outer', 'undoOuter') +
        `${flow('f2', 'outer', 'sub')}<subProcess id="sub"><startEvent id="ss"/>${flow('g1', 'ss', 'inner')}` +
        compensable(logScript('inner', "'i'"), 'inner', 'undoInner') +
        `${flow('g2', 'inner', 'ti')}${throwEvent('ti')}${flow('g3', 'ti', 'se')}<endEvent id="se"/>` +
        `${logScript('undoInner', "'I'", 'isForCompensation="true"')}</subProcess>` +
        `${flow('f3', 'sub', 'e')}<endEvent id="e"/>${logScript('undoOuter', "'O'", 'isForCompensation="true"')}`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    expect(await log(db, r.id)).toBe('oiI');
  });

  it('compensating a completed multi-instance sub-process runs its inner handlers per instance, with each instance’s variables', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'sub')}<subProcess id="sub"><multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>` +
        `<startEvent id="ss"/>${flow('g1', 'ss', 'book')}` +
        compensable(logScript('book', "'b' + loopCounter"), 'book', 'undoBook') +
        `${flow('g2', 'book', 'se')}<endEvent id="se"/>` +
        `${logScript('undoBook', "'u' + loopCounter", 'isForCompensation="true"')}</subProcess>` +
        `${flow('f2', 'sub', 'wait')}<userTask id="wait"/>${flow('f3', 'wait', 't')}${throwEvent('t', 'activityRef="sub"')}${flow('f4', 't', 'e')}<endEvent id="e"/>`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    expect(await log(db, r.id)).toBe('b0b1b2');
    expect(await subscriptions(db, r.id)).toEqual(['book', 'sub', 'book', 'sub', 'book', 'sub', 'sub']);
    await complete(rt, db, r.id, 'wait');
    expect(await log(db, r.id)).toBe('b0b1b2u2u1u0');
    expect(await running(db, r.id)).toBe(false);
  });

  it('a sub-process cancelled before it completes drops what it would have compensated', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'sub')}<subProcess id="sub"><startEvent id="ss"/>${flow('g1', 'ss', 'inner')}` +
        compensable(logScript('inner', "'i'"), 'inner', 'undoInner') +
        `${flow('g2', 'inner', 'w')}<userTask id="w"/>${flow('g3', 'w', 'se')}<endEvent id="se"/>` +
        `${logScript('undoInner', "'I'", 'isForCompensation="true"')}</subProcess>` +
        `<boundaryEvent id="cancel" attachedToRef="sub"><messageEventDefinition messageRef="m"/></boundaryEvent>` +
        `${flow('f2', 'sub', 'e')}<endEvent id="e"/>${flow('f3', 'cancel', 't')}${throwEvent('t')}${flow('f4', 't', 'after')}<userTask id="after"/>${flow('f5', 'after', 'e2')}<endEvent id="e2"/>`,
      { roots: '<message id="m" name="stop"/>' },
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    expect(await subscriptions(db, r.id)).toEqual(['inner']);
    await rt.messageReceived('stop');
    expect(await subscriptions(db, r.id)).toEqual([]);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['after']);
    expect(await log(db, r.id)).toBe('i');
  });

  it('runs an event sub-process with a compensation start event as the handler of its sub-process', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'sub')}<subProcess id="sub"><startEvent id="ss"/>${flow('g1', 'ss', 'x')}` +
        compensable(logScript('x', "'x'"), 'x', 'undoX') +
        `${flow('g2', 'x', 'y')}${compensable(logScript('y', "'y'"), 'y', 'undoY')}${flow('g3', 'y', 'se')}<endEvent id="se"/>` +
        `${logScript('undoX', "'X'", 'isForCompensation="true"')}${logScript('undoY', "'Y'", 'isForCompensation="true"')}` +
        `<subProcess id="handler" triggeredByEvent="true"><startEvent id="hs"><compensateEventDefinition/></startEvent>${flow('h1', 'hs', 'hx')}` +
        `${throwEvent('hx', 'activityRef="x"')}${flow('h2', 'hx', 'note')}${logScript('note', "'!'")}${flow('h3', 'note', 'he')}<endEvent id="he"/></subProcess>` +
        `</subProcess>${flow('f2', 'sub', 't')}<endEvent id="t"><compensateEventDefinition/></endEvent>`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    // the event sub-process compensates x only (y is not compensated: the handler consumed the compensation)
    expect(await log(db, r.id)).toBe('xyX!');
    expect(await running(db, r.id)).toBe(false);
  });

  it('deleting an instance while a handler waits ends it', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'a')}` +
        compensable('<scriptTask id="a" scriptFormat="juel"><script>${1}</script></scriptTask>', 'a', 'undoA') +
        `${flow('f2', 'a', 't')}<endEvent id="t"><compensateEventDefinition/></endEvent><userTask id="undoA" isForCompensation="true"/>`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['undoA']);
    await rt.deleteInstance(r.id);
    expect(await running(db, r.id)).toBe(false);
    expect(await tasks(db, r.id)).toEqual([]);
    expect((await db.query('SELECT 1 FROM wf_execution WHERE instance_id = $1', [r.id])).rowCount).toBe(0);
  });
});

describe('compensation at deploy', () => {
  const problems = async (body: string, severity = 'error') =>
    (await validateBpmn(bpmn(body))).problems.filter((p) => p.severity === severity).map((p) => p.message);

  it('refuses a handler with sequence flows and an unknown activityRef, warns of a boundary without handler', async () => {
    const msgs = await problems(
      `<startEvent id="s"/>${flow('f1', 's', 'a')}<userTask id="a"/>` +
        `<boundaryEvent id="ac" attachedToRef="a"><compensateEventDefinition/></boundaryEvent>` +
        `${flow('f2', 'a', 'b')}<userTask id="b"/><boundaryEvent id="bc" attachedToRef="b"><compensateEventDefinition/></boundaryEvent>` +
        `<association sourceRef="bc" targetRef="undoB"/><userTask id="undoB" isForCompensation="true"/>${flow('f3', 'undoB', 't')}` +
        `${flow('f4', 'b', 't')}${throwEvent('t', 'activityRef="nowhere"')}${flow('f5', 't', 'e')}<endEvent id="e"/>`,
    );
    expect(msgs.some((m) => /'ac' is associated/.test(m))).toBe(false);
    expect(
      msgs.some((m) => /Compensation activity 'undoB' cannot have an incoming or outgoing sequence flow/.test(m)),
    ).toBe(true);
    expect(msgs).toContain("Invalid attribute value for 'activityRef': no activity with id 'nowhere'");
    const warnings = await problems(
      `<startEvent id="s"/>${flow('f1', 's', 'a')}<task id="a"/><boundaryEvent id="ac" attachedToRef="a"><compensateEventDefinition/></boundaryEvent>${flow('f2', 'a', 'e')}<endEvent id="e"/>`,
      'warning',
    );
    expect(warnings).toContain(
      "Compensation boundary event 'ac' is associated with no compensation handler; compensating 'a' does nothing",
    );
    // a handler and its boundary event have no sequence flows by design: no lint warning says they should
    const valid = await validateBpmn(
      bpmn(
        `<startEvent id="s"/>${flow('f1', 's', 'a')}${compensable('<task id="a"/>', 'a', 'undo')}<task id="undo" isForCompensation="true"/>` +
          `${flow('f2', 'a', 't')}${throwEvent('t')}${flow('f3', 't', 'e')}<endEvent id="e"/>`,
      ),
    );
    expect(valid.valid).toBe(true);
    expect(valid.problems.filter((p) => p.elementId === 'undo' || p.elementId === 'a_comp')).toEqual([]);
  });

  it('refuses a handler not marked isForCompensation and a compensation event sub-process at process level', async () => {
    const msgs = await problems(
      `<startEvent id="s"/>${flow('f1', 's', 'a')}<userTask id="a"/>` +
        `<boundaryEvent id="ac" attachedToRef="a"><compensateEventDefinition/></boundaryEvent><association sourceRef="ac" targetRef="undo"/><userTask id="undo"/>` +
        `${flow('f2', 'a', 'e')}<endEvent id="e"/>` +
        `<subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><compensateEventDefinition/></startEvent>${flow('g', 'es', 'ee')}<endEvent id="ee"/></subProcess>`,
    );
    expect(msgs.some((m) => /must be associated with an activity with isForCompensation="true"/.test(m))).toBe(true);
    expect(msgs.some((m) => /compensation start event is only supported inside an embedded sub-process/.test(m))).toBe(
      true,
    );
  });
});
