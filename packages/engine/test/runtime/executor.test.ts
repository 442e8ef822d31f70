import { afterEach, describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/dialects/bpmn/index.js';
import { TestClock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/commands.js';
import type { Db } from '../../src/store/db.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { bpmn, fixture, flow } from '../helpers/bpmn.js';

describe.each(testStores())('durable executor on $name', (factory) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  async function setup(...xmls: string[]) {
    store = await factory.create();
    const clock = new TestClock(new Date('2026-01-01T00:00:00Z'));
    const rt = new Runtime({ db: store.db, clock });
    for (const xml of xmls) {
      const { graphs } = await compileBpmn(xml);
      await rt.deploy({ graphs, source: xml });
    }
    return { rt, db: store.db, clock };
  }

  const tasks = async (db: Db, instanceId?: string) =>
    (
      await db.query<{ id: string; task_def_key: string; assignee: string | null; candidate_groups: string[] }>(
        `SELECT id, task_def_key, assignee, candidate_groups FROM wf_task ${instanceId ? 'WHERE instance_id = $1' : ''} ORDER BY create_time, id`,
        instanceId ? [instanceId] : [],
      )
    ).rows;
  const vars = async (db: Db, instanceId: string) =>
    Object.fromEntries(
      (
        await db.query<{ name: string; value: unknown }>(
          'SELECT name, value FROM wf_hi_variable WHERE instance_id = $1 AND scope_id = instance_id',
          [instanceId],
        )
      ).rows.map((r) => [r.name, r.value]),
    );
  const running = async (db: Db, id: string) =>
    (await db.query('SELECT 1 FROM wf_instance WHERE id = $1', [id])).rowCount === 1;

  it('runs a none start → end process to completion in one command', async () => {
    const { rt, db } = await setup(bpmn(`<startEvent id="s"/>${flow('f', 's', 'e')}<endEvent id="e"/>`));
    const r = await rt.startInstance({ key: 'p' });
    expect(r.ended).toBe(true);
    expect(await running(db, r.id)).toBe(false);
    const hi = await db.query<{ end_activity_id: string; end_time: Date | null }>(
      'SELECT end_activity_id, end_time FROM wf_hi_instance WHERE id = $1',
      [r.id],
    );
    expect(hi.rows[0]?.end_activity_id).toBe('e');
    expect(hi.rows[0]?.end_time).not.toBeNull();
    const acts = await db.query('SELECT activity_id FROM wf_hi_activity WHERE instance_id = $1 ORDER BY id', [r.id]);
    expect(acts.rows.map((a) => a.activity_id)).toEqual(['s', 'e']);
  });

  it('runs the contractor onboarding process end to end with history', async () => {
    const { rt, db } = await setup(fixture('contractorOnboarding.bpmn20.xml'));
    const r = await rt.startInstance({
      key: 'contractorOnboarding',
      startUserId: 'openidm-admin',
      businessKey: 'c-1',
      variables: { userName: 'jdoe', givenName: 'John', sn: 'Doe', mail: 'j@x.org' },
    });
    expect(r.ended).toBe(false);
    const [task] = await tasks(db, r.id);
    expect(task).toMatchObject({ task_def_key: 'decideApprovalTask', assignee: null, candidate_groups: ['manager'] });
    await rt.claimTask(task!.id, 'manager1');
    await rt.completeTask(task!.id, { decision: 'accept' });
    expect(await running(db, r.id)).toBe(false);
    const v = await vars(db, r.id);
    expect(v).toMatchObject({
      displayName: 'John Doe',
      requester: 'openidm-admin',
      startUserId: 'openidm-admin',
      decision: 'accept',
      userCreated: true,
      outcome: 'created jdoe',
      notice: 'JOHN DOE',
    });
    const hiTask = await db.query('SELECT assignee, end_time, delete_reason FROM wf_hi_task WHERE instance_id = $1', [
      r.id,
    ]);
    expect(hiTask.rows[0]).toMatchObject({ assignee: 'manager1', delete_reason: null });
    expect(hiTask.rows[0]!.end_time).not.toBeNull();
    const acts = await db.query(
      'SELECT activity_id FROM wf_hi_activity WHERE instance_id = $1 ORDER BY start_time, id',
      [r.id],
    );
    expect(acts.rows.map((a) => a.activity_id)).toEqual([
      'start',
      'prepareTask',
      'decideApprovalTask',
      'approvalGateway',
      'createUser',
      'notifyService',
      'end',
    ]);
  });

  it('takes the reject branch of the exclusive gateway', async () => {
    const { rt, db } = await setup(fixture('contractorOnboarding.bpmn20.xml'));
    const r = await rt.startInstance({ key: 'contractorOnboarding', variables: { givenName: 'A', sn: 'B' } });
    const [task] = await tasks(db, r.id);
    await rt.completeTask(task!.id, { decision: 'reject' });
    expect((await vars(db, r.id)).outcome).toBe('rejected');
  });

  it('uses the default flow of an exclusive gateway when no condition holds', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'g')}<exclusiveGateway id="g" default="fd"/>
         ${flow('f1', 'g', 'a', '${n > 10}')}${flow('fd', 'g', 'b')}
         <userTask id="a"/><userTask id="b"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p', variables: { n: 3 } });
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['b']);
  });

  it('fails the command and keeps nothing when no gateway flow matches', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'g')}<exclusiveGateway id="g"/>${flow('f1', 'g', 'a', '${n > 10}')}<userTask id="a"/>`,
      ),
    );
    await expect(rt.startInstance({ key: 'p', variables: { n: 3 } })).rejects.toThrow(/No outgoing sequence flow/);
    expect((await db.query('SELECT 1 FROM wf_instance')).rowCount).toBe(0);
    expect((await db.query('SELECT 1 FROM wf_hi_instance')).rowCount).toBe(0);
  });

  it('forks and joins with parallel gateways', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'fork')}<parallelGateway id="fork"/>
         ${flow('f1', 'fork', 'a')}${flow('f2', 'fork', 'b')}<userTask id="a"/><userTask id="b"/>
         ${flow('f3', 'a', 'join')}${flow('f4', 'b', 'join')}<parallelGateway id="join"/>${flow('f5', 'join', 'c')}<userTask id="c"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    const ts = await tasks(db, r.id);
    expect(ts.map((t) => t.task_def_key).sort()).toEqual(['a', 'b']);
    await rt.completeTask(ts[0]!.id);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toHaveLength(1);
    await rt.completeTask(ts[1]!.id);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['c']);
    const execs = await db.query('SELECT 1 FROM wf_execution WHERE instance_id = $1', [r.id]);
    expect(execs.rowCount).toBe(1);
  });

  it('runs script conditions (language="groovy"/"javascript") in the sandbox; a non-boolean fails the command', async () => {
    const scriptFlow = (id: string, to: string, language: string, script: string) =>
      `<sequenceFlow id="${id}" sourceRef="g" targetRef="${to}"><conditionExpression xsi:type="tFormalExpression" language="${language}"><![CDATA[${script}]]></conditionExpression></sequenceFlow>`;
    const process = (second: string) =>
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'g')}<inclusiveGateway id="g"/>
         ${scriptFlow('f1', 'a', 'groovy', "foo == 'left'")}${scriptFlow('f2', 'b', 'javascript', second)}
         <userTask id="a"/><userTask id="b"/>`,
      );
    const { rt, db } = await setup(process('var n = items.length; n > 2'));
    const left = await rt.startInstance({ key: 'p', variables: { foo: 'left', items: [1] } });
    expect((await tasks(db, left.id)).map((t) => t.task_def_key)).toEqual(['a']);
    const both = await rt.startInstance({ key: 'p', variables: { foo: 'left', items: [1, 2, 3] } });
    expect((await tasks(db, both.id)).map((t) => t.task_def_key).sort()).toEqual(['a', 'b']);
    const { graphs } = await compileBpmn(process('42'));
    await rt.deploy({ graphs, source: process('42') });
    await expect(rt.startInstance({ key: 'p', variables: { foo: 'right' } })).rejects.toThrow(
      "Error evaluating the condition of sequence flow 'f2': condition script returns non-Boolean: 42",
    );
  });

  it('activates only true branches of an inclusive gateway and joins them', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'fork')}<inclusiveGateway id="fork"/>
         ${flow('f1', 'fork', 'a', '${x > 0}')}${flow('f2', 'fork', 'b', '${x > 5}')}${flow('f3', 'fork', 'c', '${x > 1}')}
         <userTask id="a"/><userTask id="b"/><userTask id="c"/>
         ${flow('f4', 'a', 'join')}${flow('f5', 'b', 'join')}${flow('f6', 'c', 'join')}<inclusiveGateway id="join"/>${flow('f7', 'join', 'd')}<userTask id="d"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p', variables: { x: 3 } });
    const ts = await tasks(db, r.id);
    expect(ts.map((t) => t.task_def_key).sort()).toEqual(['a', 'c']);
    await rt.completeTask(ts.find((t) => t.task_def_key === 'a')!.id);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['c']);
    await rt.completeTask(ts.find((t) => t.task_def_key === 'c')!.id);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['d']);
  });

  it('runs an embedded sub-process and continues after it', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'sub')}
         <subProcess id="sub"><startEvent id="ss"/>${flow('s1', 'ss', 'inner')}<userTask id="inner"/>${flow('s2', 'inner', 'se')}<endEvent id="se"/></subProcess>
         ${flow('f1', 'sub', 'after')}<userTask id="after"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    const [t] = await tasks(db, r.id);
    expect(t!.task_def_key).toBe('inner');
    await rt.completeTask(t!.id, { fromInner: 1 });
    expect((await tasks(db, r.id)).map((x) => x.task_def_key)).toEqual(['after']);
    expect((await vars(db, r.id)).fromInner).toBe(1);
  });

  it('a terminate end event ends the whole instance and cancels open tasks', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'fork')}<parallelGateway id="fork"/>
         ${flow('f1', 'fork', 'a')}${flow('f2', 'fork', 'b')}<userTask id="a"/><userTask id="b"/>
         ${flow('f3', 'a', 't')}<endEvent id="t"><terminateEventDefinition/></endEvent>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    const ts = await tasks(db, r.id);
    await rt.completeTask(ts.find((t) => t.task_def_key === 'a')!.id);
    expect(await running(db, r.id)).toBe(false);
    const hb = await db.query("SELECT delete_reason FROM wf_hi_task WHERE task_def_key = 'b'");
    expect(hb.rows[0]!.delete_reason).toMatch(/Terminated/);
  });

  it('runs service task expressions with resultVariable', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'svc')}<serviceTask id="svc" activiti:expression="\${a * 2 + 1}" activiti:resultVariable="r"/>${flow('f1', 'svc', 'e')}<endEvent id="e"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p', variables: { a: 20 } });
    expect((await vars(db, r.id)).r).toBe(41);
  });

  it('waits at a receive task until triggered', async () => {
    const { rt, db } = await setup(
      bpmn(`<startEvent id="s"/>${flow('f0', 's', 'w')}<receiveTask id="w"/>${flow('f1', 'w', 'e')}<endEvent id="e"/>`),
    );
    const r = await rt.startInstance({ key: 'p' });
    const ex = await db.query<{ id: string }>("SELECT id FROM wf_execution WHERE activity_id = 'w'");
    await rt.trigger(ex.rows[0]!.id, { got: true });
    expect(await running(db, r.id)).toBe(false);
    expect((await vars(db, r.id)).got).toBe(true);
  });

  it('waits for a message and a signal', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'm')}<intermediateCatchEvent id="m"><messageEventDefinition messageRef="msg"/></intermediateCatchEvent>
         ${flow('f1', 'm', 'sg')}<intermediateCatchEvent id="sg"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent>${flow('f2', 'sg', 'e')}<endEvent id="e"/>`,
        { roots: '<message id="msg" name="paid"/><signal id="sig" name="go"/>' },
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    await rt.messageReceived('paid', undefined, { amount: 5 });
    expect(await running(db, r.id)).toBe(true);
    expect(await rt.signalReceived('go')).toBe(1);
    expect(await running(db, r.id)).toBe(false);
  });

  it('schedules a boundary timer as a job and cancels the task when it fires', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>${flow('f1', 't', 'e')}<endEvent id="e"/>
         <boundaryEvent id="b" attachedToRef="t"><timerEventDefinition><timeDuration>PT10M</timeDuration></timerEventDefinition></boundaryEvent>
         ${flow('f2', 'b', 'esc')}<userTask id="esc" activiti:assignee="superadmin"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    const jobs = await rt.jobs.list(db, { scopeId: r.id });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.dueAt.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    await rt.fireTimer((jobs[0]!.payload as { executionId: string }).executionId);
    expect((await tasks(db, r.id)).map((t) => [t.task_def_key, t.assignee])).toEqual([['esc', 'superadmin']]);
  });

  it('removes the timer job when the task completes first', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>${flow('f1', 't', 'e')}<endEvent id="e"/>
         <boundaryEvent id="b" attachedToRef="t"><timerEventDefinition><timeDuration>PT10M</timeDuration></timerEventDefinition></boundaryEvent>
         ${flow('f2', 'b', 'e2')}<endEvent id="e2"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    const [t] = await tasks(db, r.id);
    await rt.completeTask(t!.id);
    expect(await rt.jobs.list(db, { scopeId: r.id })).toHaveLength(0);
  });

  it('calls a sub-process definition with in and out variables', async () => {
    const child = bpmn(
      `<startEvent id="cs"/>${flow('c0', 'cs', 'ct')}<userTask id="ct"/>${flow('c1', 'ct', 'cse')}<scriptTask id="cse" scriptFormat="javascript"><script>execution.setVariable('res', execution.getVariable('inp') * 10)</script></scriptTask>${flow('c2', 'cse', 'ce')}<endEvent id="ce"/>`,
      { id: 'child' },
    );
    const parent = bpmn(
      `<startEvent id="s"/>${flow('f0', 's', 'call')}<callActivity id="call" calledElement="child"><extensionElements><activiti:in source="x" target="inp"/><activiti:out source="res" target="result"/></extensionElements></callActivity>${flow('f1', 'call', 'e')}<endEvent id="e"/>`,
      { id: 'parent' },
    );
    const { rt, db } = await setup(child, parent);
    const r = await rt.startInstance({ key: 'parent', variables: { x: 4 } });
    const childInst = await db.query<{ id: string; super_instance_id: string }>(
      "SELECT id, super_instance_id FROM wf_instance WHERE definition_key = 'child'",
    );
    expect(childInst.rows[0]!.super_instance_id).toBe(r.id);
    const [t] = await tasks(db, childInst.rows[0]!.id);
    await rt.completeTask(t!.id);
    expect(await running(db, r.id)).toBe(false);
    expect(await running(db, childInst.rows[0]!.id)).toBe(false);
    expect((await vars(db, r.id)).result).toBe(40);
  });

  it('runs a parallel multi-instance user task over a collection', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t" activiti:assignee="\${reviewer}"><multiInstanceLoopCharacteristics isSequential="false" activiti:collection="reviewers" activiti:elementVariable="reviewer"/></userTask>${flow('f1', 't', 'after')}<userTask id="after"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p', variables: { reviewers: ['ann', 'bob', 'cy'] } });
    const ts = await tasks(db, r.id);
    expect(ts.map((t) => t.assignee).sort()).toEqual(['ann', 'bob', 'cy']);
    for (const t of ts) await rt.completeTask(t.id);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['after']);
  });

  it('runs a sequential multi-instance with loopCardinality one at a time', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t" name="Step \${loopCounter}"><multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>${flow('f1', 't', 'e')}<endEvent id="e"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    for (let i = 0; i < 3; i++) {
      const ts = await tasks(db, r.id);
      expect(ts).toHaveLength(1);
      const name = (await db.query('SELECT name FROM wf_task WHERE id = $1', [ts[0]!.id])).rows[0]!.name;
      expect(name).toBe(`Step ${i}`);
      await rt.completeTask(ts[0]!.id);
    }
    expect(await running(db, r.id)).toBe(false);
  });

  it('stops a multi-instance early on its completion condition', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"><multiInstanceLoopCharacteristics isSequential="false"><loopCardinality>\${n}</loopCardinality><completionCondition>\${nrOfCompletedInstances >= 2}</completionCondition></multiInstanceLoopCharacteristics></userTask>${flow('f1', 't', 'e')}<endEvent id="e"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p', variables: { n: 4 } });
    const ts = await tasks(db, r.id);
    expect(ts).toHaveLength(4);
    await rt.completeTask(ts[0]!.id);
    await rt.completeTask(ts[1]!.id);
    expect(await running(db, r.id)).toBe(false);
    expect((await db.query('SELECT 1 FROM wf_task')).rowCount).toBe(0);
  });

  it('runs a multi-instance embedded sub-process', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'sub')}<subProcess id="sub"><multiInstanceLoopCharacteristics isSequential="false" activiti:collection="\${items}" activiti:elementVariable="item"/>
          <startEvent id="ss"/>${flow('s1', 'ss', 'it')}<userTask id="it" activiti:assignee="\${item}"/>${flow('s2', 'it', 'se')}<endEvent id="se"/></subProcess>
         ${flow('f1', 'sub', 'e')}<endEvent id="e"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p', variables: { items: ['x', 'y'] } });
    const ts = await tasks(db, r.id);
    expect(ts.map((t) => t.assignee).sort()).toEqual(['x', 'y']);
    await rt.completeTask(ts[0]!.id);
    expect(await running(db, r.id)).toBe(true);
    await rt.completeTask(ts[1]!.id);
    expect(await running(db, r.id)).toBe(false);
  });

  it('lets exactly one of two concurrent completes of one task succeed', async () => {
    const { rt, db } = await setup(
      bpmn(`<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>${flow('f1', 't', 'u')}<userTask id="u"/>`),
    );
    const r = await rt.startInstance({ key: 'p' });
    const [t] = await tasks(db, r.id);
    const other = factory.name === 'postgres' ? new Runtime({ db: await store!.connectAgain() }) : rt;
    const results = await Promise.allSettled([rt.completeTask(t!.id), other.completeTask(t!.id)]);
    const ok = results.filter((x) => x.status === 'fulfilled');
    const failed = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason.message).toBe(`Task '${t!.id}' not found or already completed`);
    expect(failed[0]!.reason.kind).toBe('not-found');
    expect((await tasks(db, r.id)).map((x) => x.task_def_key)).toEqual(['u']);
    const hu = await db.query("SELECT 1 FROM wf_hi_activity WHERE activity_id = 'u'");
    expect(hu.rowCount).toBe(1);
  });

  it('keeps a waiting instance across a restart', async () => {
    const { rt } = await setup(fixture('contractorOnboarding.bpmn20.xml'));
    const r = await rt.startInstance({ key: 'contractorOnboarding', variables: { givenName: 'A', sn: 'B' } });
    const db2 = await store!.restart();
    const rt2 = new Runtime({ db: db2 });
    const [task] = await tasks(db2, r.id);
    await rt2.completeTask(task!.id, { decision: 'reject' });
    expect(await running(db2, r.id)).toBe(false);
  });

  it('deletes a running instance with its tasks and records the reason', async () => {
    const { rt, db } = await setup(bpmn(`<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>`));
    const r = await rt.startInstance({ key: 'p' });
    await rt.deleteInstance(r.id, 'Deleted by test');
    expect(await running(db, r.id)).toBe(false);
    expect((await db.query('SELECT 1 FROM wf_task')).rowCount).toBe(0);
    const h = await db.query('SELECT delete_reason FROM wf_hi_instance WHERE id = $1', [r.id]);
    expect(h.rows[0]!.delete_reason).toBe('Deleted by test');
    await expect(rt.deleteInstance(r.id)).rejects.toThrow(/not found/);
  });

  it('starts the latest version for a key, or a given version by id', async () => {
    const v1 = bpmn(`<startEvent id="s"/>${flow('f0', 's', 'a')}<userTask id="a"/>`);
    const v2 = bpmn(`<startEvent id="s"/>${flow('f0', 's', 'b')}<userTask id="b"/>`);
    const { rt, db } = await setup(v1, v2);
    const r = await rt.startInstance({ key: 'p' });
    expect((await tasks(db, r.id))[0]!.task_def_key).toBe('b');
    const first = await db.query<{ id: string }>("SELECT id FROM wf_definition WHERE key = 'p' AND version = 1");
    const r1 = await rt.startInstance({ definitionId: first.rows[0]!.id });
    expect((await tasks(db, r1.id))[0]!.task_def_key).toBe('a');
    await expect(rt.startInstance({ key: 'nope' })).rejects.toThrow(/No process definition found for key 'nope'/);
  });

  it('refuses to delete a definition while instances run', async () => {
    const { rt, db } = await setup(bpmn(`<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>`));
    const r = await rt.startInstance({ key: 'p' });
    await expect(rt.deleteDefinition(r.definitionId)).rejects.toThrow(
      'Cannot delete process definition with the running instances.',
    );
    await rt.deleteInstance(r.id);
    await rt.deleteDefinition(r.definitionId);
    expect((await db.query('SELECT 1 FROM wf_definition')).rowCount).toBe(0);
  });

  it('refuses to claim a task claimed by someone else', async () => {
    const { rt, db } = await setup(bpmn(`<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>`));
    const r = await rt.startInstance({ key: 'p' });
    const [t] = await tasks(db, r.id);
    await rt.claimTask(t!.id, 'a');
    await expect(rt.claimTask(t!.id, 'b')).rejects.toThrow(/already claimed/);
    await rt.claimTask(t!.id, null);
    await rt.claimTask(t!.id, 'b');
    expect((await tasks(db, r.id))[0]!.assignee).toBe('b');
  });

  it('continues an async activity from a job, with the retries of failedJobRetryTimeCycle', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'w')}<scriptTask id="w" scriptFormat="javascript" activiti:async="true" activiti:failedJobRetryTimeCycle="R5/PT7M"><script>execution.setVariable('ran', true)</script></scriptTask>${flow('f1', 'w', 'e')}<endEvent id="e"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    expect(r.ended).toBe(false);
    expect((await vars(db, r.id)).ran).toBeUndefined();
    const jobs = await rt.jobs.list(db, { scopeId: r.id });
    expect(jobs.map((j) => [j.type, j.maxAttempts])).toEqual([['wf.async', 5]]);
    expect(await rt.continueAsync((jobs[0]!.payload as { executionId: string }).executionId)).toBe(true);
    expect(await running(db, r.id)).toBe(false);
    expect((await vars(db, r.id)).ran).toBe(true);
  });

  it('a boundary timer on a sub-process cancels everything inside it', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 'sub')}
         <subProcess id="sub"><startEvent id="ss"/>${flow('s1', 'ss', 'fork')}<parallelGateway id="fork"/>${flow('s2', 'fork', 'a')}${flow('s3', 'fork', 'b')}<userTask id="a"/><userTask id="b"/></subProcess>
         <boundaryEvent id="late" attachedToRef="sub"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>
         ${flow('f1', 'late', 'esc')}<userTask id="esc"/>${flow('f2', 'sub', 'e')}<endEvent id="e"/>`,
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    expect((await tasks(db, r.id)).map((t) => t.task_def_key).sort()).toEqual(['a', 'b']);
    const [job] = await rt.jobs.list(db, { scopeId: r.id });
    await rt.fireTimer((job!.payload as { executionId: string }).executionId);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['esc']);
    const execs = await db.query('SELECT kind, activity_id FROM wf_execution WHERE instance_id = $1', [r.id]);
    expect(execs.rows).toEqual([{ kind: 'token', activity_id: 'esc' }]);
  });

  it('a non-interrupting message boundary starts a parallel path and keeps the task', async () => {
    const { rt, db } = await setup(
      bpmn(
        `<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>${flow('f1', 't', 'e')}<endEvent id="e"/>
         <boundaryEvent id="nudge" attachedToRef="t" cancelActivity="false"><messageEventDefinition messageRef="m"/></boundaryEvent>
         ${flow('f2', 'nudge', 'n')}<userTask id="n"/>`,
        { roots: '<message id="m" name="remind"/>' },
      ),
    );
    const r = await rt.startInstance({ key: 'p' });
    const hostExec = (
      await db.query<{ id: string }>("SELECT id FROM wf_execution WHERE activity_id = 't' AND kind = 'token'")
    ).rows[0]!.id;
    await rt.messageReceived('remind', hostExec);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key).sort()).toEqual(['n', 't']);
    await rt.messageReceived('remind', hostExec);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key).sort()).toEqual(['n', 'n', 't']);
    const t = (await tasks(db, r.id)).find((x) => x.task_def_key === 't')!;
    await rt.completeTask(t.id);
    expect(await running(db, r.id)).toBe(true);
    for (const x of await tasks(db, r.id)) await rt.completeTask(x.id);
    expect(await running(db, r.id)).toBe(false);
  });

  it('passes all variables into and out of a called process with variables="all"', async () => {
    const child = bpmn(
      `<startEvent id="cs"/>${flow('c0', 'cs', 'cx')}<serviceTask id="cx" activiti:expression="\${a + b}" activiti:resultVariable="sum"/>${flow('c1', 'cx', 'ce')}<endEvent id="ce"/>`,
      { id: 'child' },
    );
    const parent = bpmn(
      `<startEvent id="s"/>${flow('f0', 's', 'call')}<callActivity id="call" calledElement="child"><extensionElements><activiti:in variables="all"/><activiti:out variables="all"/></extensionElements></callActivity>${flow('f1', 'call', 'e')}<endEvent id="e"/>`,
      { id: 'parent' },
    );
    const { rt, db } = await setup(child, parent);
    const r = await rt.startInstance({ key: 'parent', variables: { a: 2, b: 3 } });
    expect(r.ended).toBe(true);
    expect((await vars(db, r.id)).sum).toBe(5);
  });

  it('writes no history at history level none, and no task or variable history at level activity', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>${flow('f1', 't', 'e')}<endEvent id="e"/>`,
    );
    const { db } = await setup(xml);
    for (const level of ['none', 'activity'] as const) {
      const rt = new Runtime({ db, history: level });
      const r = await rt.startInstance({ key: 'p', variables: { x: 1 } });
      const [t] = await tasks(db, r.id);
      await rt.completeTask(t!.id, { y: 2 });
      expect(await running(db, r.id)).toBe(false);
      const count = async (table: string) =>
        (
          await db.query(`SELECT 1 FROM ${table} WHERE ${table === 'wf_hi_instance' ? 'id' : 'instance_id'} = $1`, [
            r.id,
          ])
        ).rowCount;
      expect([await count('wf_hi_instance'), await count('wf_hi_activity')]).toEqual(
        level === 'none' ? [0, 0] : [1, 3],
      );
      expect([await count('wf_hi_task'), await count('wf_hi_variable')]).toEqual([0, 0]);
    }
  });

  it('a signal throw event wakes the executions waiting for that signal inside the throwing command', async () => {
    const roots = '<signal id="sig" name="go"/>';
    const waiter = bpmn(
      `<startEvent id="s"/>${flow('f0', 's', 'w')}<intermediateCatchEvent id="w"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent>${flow('f1', 'w', 'e')}<endEvent id="e"/>`,
      { id: 'waiter', roots },
    );
    const thrower = bpmn(
      `<startEvent id="s"/>${flow('f0', 's', 't')}<intermediateThrowEvent id="t"><signalEventDefinition signalRef="sig"/></intermediateThrowEvent>${flow('f1', 't', 'e')}<endEvent id="e"/>`,
      { id: 'thrower', roots },
    );
    const { rt, db } = await setup(waiter, thrower);
    const w = await rt.startInstance({ key: 'waiter' });
    const t = await rt.startInstance({ key: 'thrower' });
    expect(t.ended).toBe(true);
    // as Flowable delivers it: no job, the waiter moved on before the thrower's command committed
    expect(await rt.jobs.list(db, { type: 'wf.signal' })).toEqual([]);
    expect(await running(db, w.id)).toBe(false);
    expect(await rt.signalReceived('go')).toBe(0);
  });
});
