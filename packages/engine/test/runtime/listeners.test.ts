/**
 * Execution listeners (start/end/take, on activities, flows and the process), task listeners (assignment, create,
 * complete, delete) with JUEL expressions and scripts, and camunda:asyncAfter — run by the Runtime directly.
 */
import { describe, expect, it } from 'vitest';
import { validateBpmn } from '../../src/dialects/bpmn/index.js';
import type { Db } from '../../src/store/db.js';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { bpmnRuntimeOn } from '../helpers/bpmn-runtime.js';

const el = (event: string, expression: string, tag = 'executionListener') =>
  `<activiti:${tag} event="${event}" expression="${expression}"/>`;
const ext = (...xs: string[]) => `<extensionElements>${xs.join('')}</extensionElements>`;
const script = (event: string, format: string, body: string, tag = 'executionListener') =>
  `<activiti:${tag} event="${event}"><activiti:script scriptFormat="${format}"><![CDATA[${body}]]></activiti:script></activiti:${tag}>`;

describe('listeners at validate time', () => {
  it('refuses Java listeners by element, line and reason', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f', 's', 't')}\n<userTask id="t">${ext(
        '<activiti:taskListener event="create" class="com.acme.Listener"/>',
        '<activiti:executionListener event="end" delegateExpression="${bean}"/>',
      )}</userTask>${flow('g', 't', 'e')}<endEvent id="e"/>`,
    );
    const r = await validateBpmn(xml);
    expect(r.valid).toBe(false);
    const msgs = r.problems.filter((p) => p.elementId === 't');
    expect(msgs.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        "Task listener (event 'create') on 't': class 'com.acme.Listener' is not supported (Java classes cannot run here); use an expression or a script",
        "Execution listener (event 'end') on 't': delegateExpression is not supported (Java delegates cannot run here); use an expression or a script",
      ]),
    );
    expect(msgs[0]!.line).toBe(6);
  });

  it('refuses unknown events, script resources, and scripts that do not parse', async () => {
    const xml = bpmn(
      `<startEvent id="s">${ext(el('take', '${x}'))}</startEvent>${flow('f', 's', 't')}<userTask id="t">${ext(
        '<activiti:taskListener event="create"><activiti:script scriptFormat="groovy" resource="x.groovy"/></activiti:taskListener>',
        script('complete', 'javascript', 'var = 1', 'taskListener'),
        '<activiti:taskListener event="complete" onTransaction="committed" expression="${x}"/>',
      )}</userTask>${flow('g', 't', 'e')}<endEvent id="e"/>`,
    );
    const msgs = (await validateBpmn(xml)).problems.map((p) => p.message);
    expect(msgs).toContain("Execution listener (event 'take') on 's': the event must be one of start, end");
    expect(msgs).toContain(
      "Task listener (event 'create') on 't': a script resource ('x.groovy') is not supported; inline the script",
    );
    expect(msgs.some((m) => /^Listener \(event 'complete'\) script of 't' does not parse/.test(m))).toBe(true);
    expect(msgs).toContain(
      "Task listener (event 'complete') on 't': transaction-dependent listeners (onTransaction=\"committed\") are not supported",
    );
  });
});

describe.each(testStores())('listeners and asyncAfter on $name', (factory) => {
  const setup = bpmnRuntimeOn(factory);
  const vars = async (db: Db, id: string) =>
    Object.fromEntries(
      (
        await db.query<{ name: string; value: unknown }>(
          'SELECT name, value FROM wf_hi_variable WHERE instance_id = $1 AND scope_id = instance_id',
          [id],
        )
      ).rows.map((r) => [r.name, r.value]),
    );
  const task = async (db: Db, id: string) =>
    (
      await db.query<{ id: string; assignee: string | null; candidate_users: string[]; priority: number }>(
        'SELECT id, assignee, candidate_users, priority FROM wf_task WHERE instance_id = $1',
        [id],
      )
    ).rows[0];

  it('runs execution listeners in Flowable order: process start, activity start/end, take, process end', async () => {
    const log = (tag: string) =>
      `\${execution.setVariable('log', log.concat('${tag}:').concat(execution.eventName).concat(';'))}`;
    const xml = bpmn(
      `${ext(el('start', log('p')), el('end', log('p')))}
      <startEvent id="s">${ext(el('end', log('s')))}</startEvent>
      <sequenceFlow id="f" sourceRef="s" targetRef="t">${ext("<activiti:executionListener expression=\"${execution.setVariable('log', log.concat('f:take;'))}\"/>")}</sequenceFlow>
      <task id="t">${ext(el('start', log('t')), el('end', log('t')))}</task>${flow('g', 't', 'e')}
      <endEvent id="e">${ext(el('start', log('e')), el('end', log('e')))}</endEvent>`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p', variables: { log: '' } });
    expect(r.ended).toBe(true);
    expect((await vars(db, r.id)).log).toBe('p:start;s:end;f:take;t:start;t:end;e:start;e:end;p:end;');
  });

  it('runs script listeners with execution bound (JavaScript and Groovy); scripts call DelegateExecution getters', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f', 's', 't')}
      <task id="t">${ext(
        script('start', 'javascript', "execution.setVariable(execution.activityId + '-' + execution.eventName, n + 1)"),
        script('end', 'groovy', 'execution.setVariable("${execution.activityId}-end", n * 2)'),
      )}</task>${flow('g', 't', 'st')}
      <scriptTask id="st" scriptFormat="javascript"><script>execution.setVariable('seen', [execution.hasVariable('n'), execution.hasVariable('nope'), execution.getProcessInstanceId(), execution.getCurrentActivityId()])</script></scriptTask>
      ${flow('h', 'st', 'e')}<endEvent id="e"/>`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p', variables: { n: 20 } });
    expect(await vars(db, r.id)).toMatchObject({ 't-start': 21, 't-end': 40, seen: [true, false, r.id, 'st'] });
  });

  it('a failing listener fails the whole command with the listener named', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f', 's', 't')}<task id="t">${ext(
        el('start', "${execution.setVariable('x', 1)}"),
        script('end', 'javascript', 'var a = 1;\nnoSuchThing()'),
      )}</task>${flow('g', 't', 'e')}<endEvent id="e"/>`,
    );
    const { rt, db } = await setup(xml);
    await expect(rt.startInstance({ key: 'p' })).rejects.toThrow(
      /^Execution listener \(end\) of activity 't' failed at line 2: ReferenceError: .*noSuchThing/,
    );
    expect((await db.query('SELECT 1 FROM wf_instance')).rowCount).toBe(0);
  });

  it('runs task listeners on assignment, create, complete and delete, with task bound', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f', 's', 't')}
      <userTask id="t" name="Review" activiti:assignee="kermit">${ext(
        el('assignment', "${execution.setVariable('assigned', task.assignee)}", 'taskListener'),
        el('create', '${task.setPriority(task.priority + 10)}', 'taskListener'),
        script(
          'create',
          'javascript',
          "task.addCandidateUser('gonzo'); task.setVariable('created', task.name + '/' + task.getEventName()); " +
            "task.setOwner('rizzo'); execution.setVariable('owner', task.owner + '@' + execution.getProcessInstanceId())",
          'taskListener',
        ),
        el('complete', "${execution.setVariable('completedBy', task.assignee)}", 'taskListener'),
      )}</userTask>${flow('g', 't', 't2')}
      <userTask id="t2">${ext(el('delete', "${execution.setVariable('deleted', task.taskDefinitionKey)}", 'taskListener'))}</userTask>
      ${flow('h', 't2', 'e')}<endEvent id="e"/>`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    expect(await vars(db, r.id)).toMatchObject({
      assigned: 'kermit',
      created: 'Review/create',
      owner: `rizzo@${r.id}`,
    });
    const t = await task(db, r.id);
    expect(t).toMatchObject({ priority: 60, candidate_users: ['gonzo'] });
    await rt.claimTask(t!.id, null);
    expect((await vars(db, r.id)).assigned).toBeNull();
    await rt.claimTask(t!.id, 'fozzie');
    expect((await vars(db, r.id)).assigned).toBe('fozzie');
    await rt.updateTask(t!.id, { assignee: 'piggy' });
    expect((await vars(db, r.id)).assigned).toBe('piggy');
    await rt.completeTask(t!.id);
    expect((await vars(db, r.id)).completedBy).toBe('piggy');
    await rt.deleteInstance(r.id, 'gone');
    expect((await vars(db, r.id)).deleted).toBe('t2');
  });

  it('an activity cancelled by a boundary event runs its end listeners, inner activities first', async () => {
    const log = (tag: string) => `\${execution.setVariable('log', log.concat('${tag};'))}`;
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f', 's', 'sub')}
      <subProcess id="sub">${ext(el('end', log('sub')))}
        <startEvent id="ss"/>${flow('g', 'ss', 'inner')}<userTask id="inner">${ext(el('end', log('inner')))}</userTask>
      </subProcess>
      <boundaryEvent id="b" attachedToRef="sub"><messageEventDefinition messageRef="m"/></boundaryEvent>
      ${flow('h', 'b', 'after')}<userTask id="after"/>`,
      { roots: '<message id="m" name="stop"/>' },
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p', variables: { log: '' } });
    const { rows } = await db.query<{ id: string }>(
      "SELECT id FROM wf_execution WHERE instance_id = $1 AND event_name = 'stop'",
      [r.id],
    );
    await rt.messageReceived('stop', rows[0]!.id);
    expect((await vars(db, r.id)).log).toBe('inner;sub;');
  });

  it('asyncAfter: the activity ends (end listener included), then one job per outgoing flow takes it', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f', 's', 't')}
      <task id="t" activiti:asyncAfter="true">${ext(el('end', "${execution.setVariable('ended', true)}"))}</task>
      <sequenceFlow id="a" sourceRef="t" targetRef="ua">${ext('<activiti:executionListener expression="${execution.setVariable(\'took\', true)}"/>')}</sequenceFlow>
      ${flow('b', 't', 'ub')}<userTask id="ua"/><userTask id="ub"/>`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    expect(await vars(db, r.id)).toMatchObject({ ended: true });
    expect((await vars(db, r.id)).took).toBeUndefined();
    const jobs = await rt.jobs.list(db, { scopeId: r.id });
    expect(jobs.map((j) => j.type)).toEqual(['wf.async', 'wf.async']);
    expect(await task(db, r.id)).toBeUndefined();
    for (const j of jobs) await rt.continueAsync((j.payload as { executionId: string }).executionId);
    expect((await vars(db, r.id)).took).toBe(true);
    const open = await db.query<{ task_def_key: string }>(
      'SELECT task_def_key FROM wf_task WHERE instance_id = $1 ORDER BY task_def_key',
      [r.id],
    );
    expect(open.rows.map((x) => x.task_def_key)).toEqual(['ua', 'ub']);
  });

  it('asyncAfter without an outgoing flow ends the token in the job: the scope ends after it', async () => {
    const xml = bpmn(
      `${ext(el('end', "${execution.setVariable('processEnded', true)}"))}
      <startEvent id="s"/>${flow('f', 's', 't')}<task id="t" activiti:asyncAfter="true"/>`,
    );
    const { rt, db } = await setup(xml);
    const r = await rt.startInstance({ key: 'p' });
    expect(r.ended).toBe(false);
    expect((await vars(db, r.id)).processEnded).toBeUndefined();
    const [job] = await rt.jobs.list(db, { scopeId: r.id });
    await rt.continueAsync((job!.payload as { executionId: string }).executionId);
    expect((await vars(db, r.id)).processEnded).toBe(true);
    expect((await db.query('SELECT 1 FROM wf_instance WHERE id = $1', [r.id])).rowCount).toBe(0);
  });
});
