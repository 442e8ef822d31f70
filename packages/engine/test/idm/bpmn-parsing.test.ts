import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

/** BPMN files written for Flowable, deployed through the IDM API, parse and run as Flowable runs them. */
describe.each(testStores())('BPMN parsed as Flowable parses it, on $name', (factory) => {
  let h: IdmHarness;
  beforeAll(async () => {
    h = await idmHarness(factory);
  });
  afterAll(() => h.close());

  const validate = async (xml: string) =>
    (await h.call('POST', '/openidm/workflow/model?_action=validate_bpmn', { bpmnXML: xml })).json;

  it('gives sequence flows without an id stable ids, so the instance reaches the task after the start', async () => {
    const xml = bpmn(
      `<startEvent id="start"/><sequenceFlow sourceRef="start" targetRef="work"/>
       <userTask id="work" name="Work"/><sequenceFlow sourceRef="work" targetRef="end"/><endEvent id="end"/>`,
      { id: 'anonymousFlows' },
    );
    expect((await validate(xml)).valid).toBe(true);
    await h.deployOk(xml);
    const started = await h.start('anonymousFlows');
    expect(started.json.status).toBe('suspended');
    const [task] = await h.tasks(started.json._id);
    expect(task.taskDefinitionKey).toBe('work');
    await h.complete(task._id);
    const done = await h.instance(started.json._id);
    expect(done.json.endActivityId).toBe('end');
  });

  it('runs two sequence flows with the same source and target as two flows', async () => {
    const xml = bpmn(
      `<startEvent id="start"/>${flow('a', 'start', 'fork')}<parallelGateway id="fork"/>
       ${flow('f1', 'fork', 'work')}${flow('f2', 'fork', 'work')}
       <userTask id="work"/>${flow('b', 'work', 'end')}<endEvent id="end"/>`,
      { id: 'twinFlows' },
    );
    await h.deployOk(xml);
    const started = await h.start('twinFlows');
    const tasks = await h.tasks(started.json._id);
    expect(tasks.map((t) => t.taskDefinitionKey)).toEqual(['work', 'work']);
    // Without ids, the two flows get two ids and still run as two.
    const anon = bpmn(
      `<startEvent id="start"/><sequenceFlow sourceRef="start" targetRef="work"/><sequenceFlow sourceRef="start" targetRef="work"/>
       <userTask id="work"/><sequenceFlow sourceRef="work" targetRef="end"/><endEvent id="end"/>`,
      { id: 'twinAnonymous' },
    );
    await h.deployOk(anon);
    const s2 = await h.start('twinAnonymous');
    expect(await h.tasks(s2.json._id)).toHaveLength(2);
  });

  it('warns about diagram elements that refer to elements not in the process, and deploys', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" targetNamespace="Examples">
  <process id="staleDi" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f" sourceRef="start" targetRef="end"/><endEvent id="end"/>
  </process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="staleDi">
    <bpmndi:BPMNShape id="s1" bpmnElement="start"><dc:Bounds x="0" y="0" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="gone" bpmnElement="removedTask"><dc:Bounds x="80" y="0" width="100" height="80"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>`;
    const v = await validate(xml);
    expect(v.valid).toBe(true);
    expect(v.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        elementId: 'gone',
        message: expect.stringContaining('removedTask'),
      }),
    ]);
    await h.deployOk(xml);
    expect((await h.start('staleDi')).json.status).toBe('ended');
  });

  it('resolves tns:-prefixed references (messageRef, signalRef, default)', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tns="http://example.com/onboarding"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" targetNamespace="http://example.com/onboarding">
  <message id="approved" name="approvedMessage"/>
  <process id="prefixed" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="tns:start" targetRef="tns:gw"/>
    <exclusiveGateway id="gw" default="tns:toWait"/>
    <sequenceFlow id="toWait" sourceRef="gw" targetRef="wait"/>
    <sequenceFlow id="toEnd" sourceRef="gw" targetRef="end"><conditionExpression xsi:type="tFormalExpression">\${skip}</conditionExpression></sequenceFlow>
    <intermediateCatchEvent id="wait"><messageEventDefinition messageRef="tns:approved"/></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="wait" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;
    expect((await validate(xml)).valid).toBe(true);
    await h.deployOk(xml);
    const s = await h.start('prefixed', { skip: false });
    const [waiting] = (await h.executions(s.json._id)).filter((e) => e.activityId === 'wait');
    const m = await h.call('POST', '/openidm/workflow/execution?_action=message', {
      messageName: 'approvedMessage',
      executionId: waiting._id,
      processVariables: {},
    });
    expect(m.status).toBe(200);
    expect((await h.instance(s.json._id)).json.endActivityId).toBe('end');
  });

  it('runs JUEL scripts: scriptFormat="juel" and scripts without a format, with resultVariable', async () => {
    const xml = bpmn(
      `<startEvent id="start"/>${flow('a', 'start', 'sum')}
       <scriptTask id="sum" scriptFormat="juel" flowable:resultVariable="total"><script>\${a + b}</script></scriptTask>
       ${flow('b', 'sum', 'greet')}
       <scriptTask id="greet" flowable:resultVariable="greeting"><script>Hello \${name}</script></scriptTask>
       ${flow('c', 'greet', 'wait')}<userTask id="wait"/>${flow('d', 'wait', 'end')}<endEvent id="end"/>`,
      { id: 'juelScripts', ns: 'flowable' },
    );
    expect((await validate(xml)).valid).toBe(true);
    await h.deployOk(xml);
    const s = await h.start('juelScripts', { a: 2, b: 3, name: 'Ada' });
    expect(await h.variables(s.json._id)).toMatchObject({ total: 5, greeting: 'Hello Ada' });
  });

  it('assigns potentialOwner and humanPerformer resources', async () => {
    const xml = bpmn(
      `<startEvent id="start"/>${flow('a', 'start', 'review')}
       <userTask id="review">
         <potentialOwner><resourceAssignmentExpression><formalExpression>user(kermit), group(management), accountancy</formalExpression></resourceAssignmentExpression></potentialOwner>
       </userTask>${flow('b', 'review', 'sign')}
       <userTask id="sign"><humanPerformer><resourceAssignmentExpression><formalExpression>\${boss}</formalExpression></resourceAssignmentExpression></humanPerformer></userTask>
       ${flow('c', 'sign', 'byRef')}
       <userTask id="byRef"><potentialOwner><resourceRef>approvers</resourceRef></potentialOwner></userTask>
       ${flow('d', 'byRef', 'end')}<endEvent id="end"/>`,
      { id: 'resources', roots: '<resource id="approvers" name="approvers-group"/>' },
    );
    const v = await validate(xml);
    expect(v.valid).toBe(true);
    expect(v.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        elementId: 'byRef',
        message: expect.stringContaining('approvers-group'),
      }),
    ]);
    await h.deployOk(xml);
    const s = await h.start('resources', { boss: 'gonzo' });
    const [review] = await h.tasks(s.json._id);
    const read = await h.call('GET', `/openidm/workflow/taskinstance/${review._id}`);
    expect(read.json.candidates).toMatchObject({
      candidateUsers: ['kermit'],
      candidateGroups: expect.arrayContaining(['management', 'accountancy']),
    });
    await h.complete(review._id);
    const [sign] = await h.tasks(s.json._id);
    expect(sign.assignee).toBe('gonzo');
    await h.complete(sign._id);
    const [byRef] = await h.tasks(s.json._id);
    const r2 = await h.call('GET', `/openidm/workflow/taskinstance/${byRef._id}`);
    expect(r2.json.candidates.candidateGroups).toEqual(['approvers-group']);
  });

  it('reads a user task dueDate as an ISO date, an ISO duration or an expression', async () => {
    const xml = bpmn(
      `<startEvent id="start"/>${flow('a', 'start', 'fork')}<parallelGateway id="fork"/>
       ${flow('b', 'fork', 'byDate')}${flow('c', 'fork', 'byDuration')}${flow('d', 'fork', 'byExpression')}
       <userTask id="byDate" flowable:dueDate="2026-02-01T12:00:00Z"/>
       <userTask id="byDuration" flowable:dueDate="P2DT5H40M"/>
       <userTask id="byExpression" flowable:dueDate="\${deadline}"/>`,
      { id: 'dueDates', ns: 'flowable' },
    );
    await h.deployOk(xml);
    const s = await h.start('dueDates', { deadline: 'PT30M' });
    expect(s.status).toBe(201);
    const due = Object.fromEntries((await h.tasks(s.json._id)).map((t) => [t.taskDefinitionKey, t.dueDate]));
    const now = h.clock.now().getTime();
    expect(due).toEqual({
      byDate: '2026-02-01T12:00:00.000Z',
      byDuration: new Date(now + ((2 * 24 + 5) * 60 + 40) * 60_000).toISOString(),
      byExpression: new Date(now + 30 * 60_000).toISOString(),
    });
  });

  it('keeps a task name and description literal when their expressions do not resolve, and evaluates formKey, category, owner, priority', async () => {
    const xml = bpmn(
      `<startEvent id="start"/>${flow('a', 'start', 't')}
       <userTask id="t" name="\${testVar}" flowable:formKey="\${form}" flowable:category="\${cat}" flowable:owner="\${who}" flowable:priority="\${prio}">
         <documentation>About \${missing}</documentation>
       </userTask>`,
      { id: 'literalNames', ns: 'flowable' },
    );
    await h.deployOk(xml);
    const s = await h.start('literalNames', { form: 'approve.xhtml', cat: 'hr', who: 'fozzie', prio: 80 });
    expect(s.status).toBe(201);
    const [t] = await h.tasks(s.json._id);
    expect(t).toMatchObject({
      name: '${testVar}',
      description: 'About ${missing}',
      formKey: 'approve.xhtml',
      category: 'hr',
      owner: 'fozzie',
      priority: 80,
    });
  });
});
