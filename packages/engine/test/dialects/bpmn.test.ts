import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../src/dialects/bpmn/compile.js';
import { BpmnValidationError, compileBpmn, validateBpmn } from '../../src/dialects/bpmn/index.js';
import { bpmn, fixture, flow } from '../helpers/bpmn.js';

const simple = (task: string) =>
  bpmn(`<startEvent id="s"/>${flow('f1', 's', 't')}${task}${flow('f2', 't', 'e')}<endEvent id="e"/>`);

describe('BPMN compile', () => {
  it('compiles the contractor onboarding process with form properties, scripts, gateway and candidate group', async () => {
    const { graphs } = await compileBpmn(fixture('contractorOnboarding.bpmn20.xml'));
    expect(graphs).toHaveLength(1);
    const g = graphs[0]!;
    expect(g.id).toBe('contractorOnboarding');
    expect(g.name).toBe('Contractor onboarding process');
    expect(g.startNodeId).toBe('start');
    const start = g.nodes.start!;
    expect(start.startForm?.initiator).toBe('startUserId');
    expect(start.startForm?.formKey).toBe('contractorForm.xhtml');
    expect(start.startForm?.formProperties.map((p) => p.id)).toEqual([
      'userName',
      'givenName',
      'sn',
      'mail',
      'department',
      'startDate',
      'provisionToXML',
    ]);
    expect(start.startForm?.formProperties[0]).toMatchObject({ required: true, readable: true, writable: true });
    expect(start.startForm?.formProperties[5]).toMatchObject({ type: 'date', datePattern: 'yyyy-MM-dd' });
    const task = g.nodes.decideApprovalTask!;
    expect(task.type).toBe('userTask');
    expect(task.userTask?.candidateGroups).toEqual(['manager']);
    expect(task.userTask?.formProperties[1]?.values).toEqual([
      { id: 'accept', name: 'Accept' },
      { id: 'reject', name: 'Reject' },
    ]);
    expect(task.userTask?.formProperties[0]).toMatchObject({ writable: false, expression: '${displayName}' });
    expect(g.flows.acceptFlow?.condition).toBe("${decision=='accept'}");
    expect(g.nodes.approvalGateway?.outgoing).toEqual(['acceptFlow', 'rejectFlow']);
    expect(g.nodes.notifyService?.service).toEqual({
      expression: '${displayName.toUpperCase()}',
      resultVariable: 'notice',
    });
    expect(g.nodes.createUser?.script?.format).toBe('groovy');
  });

  it('reads flowable: attributes like activiti: ones', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 't')}<userTask id="t" flowable:assignee="\${starter}" flowable:candidateUsers="a, b" flowable:priority="70" flowable:dueDate="2030-01-01T00:00:00Z" flowable:async="true"/>${flow('f2', 't', 'e')}<endEvent id="e"/>`,
      { ns: 'flowable' },
    );
    const { graphs } = await compileBpmn(xml);
    const t = graphs[0]!.nodes.t!;
    expect(t.userTask).toMatchObject({ assignee: '${starter}', candidateUsers: ['a', 'b'], priority: '70' });
    expect(t.async).toBe(true);
  });

  it('compiles multi-instance characteristics', async () => {
    const xml = simple(
      `<userTask id="t"><multiInstanceLoopCharacteristics isSequential="true" activiti:collection="\${reviewers}" activiti:elementVariable="reviewer"><completionCondition>\${nrOfCompletedInstances >= 2}</completionCondition></multiInstanceLoopCharacteristics></userTask>`,
    );
    const { graphs } = await compileBpmn(xml);
    expect(graphs[0]!.nodes.t!.multiInstance).toEqual({
      sequential: true,
      collection: '${reviewers}',
      elementVariable: 'reviewer',
      completionCondition: '${nrOfCompletedInstances >= 2}',
    });
  });

  it('compiles sub-processes with their own start event and nested nodes', async () => {
    const xml = simple(
      `<subProcess id="t"><startEvent id="ss"/>${flow('sf1', 'ss', 'st')}<userTask id="st"/>${flow('sf2', 'st', 'se')}<endEvent id="se"/></subProcess>`,
    );
    const g = (await compileBpmn(xml)).graphs[0]!;
    expect(g.nodes.t!.startNodeId).toBe('ss');
    expect(g.nodes.st!.parent).toBe('t');
    expect(g.nodes.t!.parent).toBeNull();
  });

  it('compiles call activities with in/out mappings', async () => {
    const xml = simple(
      `<callActivity id="t" calledElement="child"><extensionElements><activiti:in source="a" target="b"/><activiti:in sourceExpression="\${a + 1}" target="c"/><activiti:out source="r" target="result"/></extensionElements></callActivity>`,
    );
    const n = (await compileBpmn(xml)).graphs[0]!.nodes.t!;
    expect(n.callActivity).toEqual({
      calledElement: 'child',
      inMappings: [
        { source: 'a', target: 'b' },
        { sourceExpression: '${a + 1}', target: 'c' },
      ],
      outMappings: [{ source: 'r', target: 'result' }],
    });
  });

  it('compiles timer, message and signal events and boundary attachments', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 't')}
      <userTask id="t"/>${flow('f2', 't', 'w')}
      <boundaryEvent id="b" attachedToRef="t" cancelActivity="true"><timerEventDefinition><timeDuration>PT10M</timeDuration></timerEventDefinition></boundaryEvent>${flow('f3', 'b', 'e')}
      <intermediateCatchEvent id="w"><messageEventDefinition messageRef="m1"/></intermediateCatchEvent>${flow('f4', 'w', 'e')}
      <endEvent id="e"/>`,
      { roots: '<message id="m1" name="paid"/>' },
    );
    const g = (await compileBpmn(xml)).graphs[0]!;
    expect(g.nodes.t!.boundaryEvents).toEqual(['b']);
    expect(g.nodes.b!.event).toEqual({ kind: 'timer', timer: { type: 'duration', value: 'PT10M' } });
    expect(g.nodes.b!.cancelActivity).toBe(true);
    expect(g.nodes.w!.event).toEqual({ kind: 'message', name: 'paid' });
  });
});

describe('BPMN validation', () => {
  it('accepts the contractor onboarding process without errors', async () => {
    const r = await validateBpmn(fixture('contractorOnboarding.bpmn20.xml'));
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('reports XML errors with their line', async () => {
    const r = await validateBpmn(
      '<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">\n<process id="a">\n<task id="t"\n</process></definitions>',
    );
    expect(r.valid).toBe(false);
    expect(r.problems[0]!.message).toMatch(/XML error/);
    expect(r.problems[0]!.line).toBe(5);
  });

  it('names unsupported elements precisely', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'g')}<complexGateway id="g"/>${flow('f2', 'g', 'x')}<sendTask id="x"/>${flow('f3', 'x', 'e')}<endEvent id="e"><cancelEventDefinition/></endEvent>`,
    );
    const r = await validateBpmn(xml);
    expect(r.valid).toBe(false);
    const msgs = r.problems.map((p) => p.message);
    expect(msgs).toContain("Element 'g' of type ComplexGateway is not supported by this engine");
    expect(msgs).toContain("Element 'x' of type SendTask is not supported by this engine");
    expect(msgs.some((m) => /Cancel event definition on 'e'/.test(m))).toBe(true);
    const g = r.problems.find((p) => p.elementId === 'g');
    expect(g?.line).toBe(5);
  });

  it('refuses Java delegates on service tasks and listeners', async () => {
    const r = await validateBpmn(simple('<serviceTask id="t" activiti:class="com.acme.Foo"/>'));
    expect(r.problems.map((p) => p.message)).toContain(
      "Service task 't': class 'com.acme.Foo' is not supported (Java classes cannot run here)",
    );
    const r2 = await validateBpmn(simple('<serviceTask id="t" activiti:delegateExpression="${bean}"/>'));
    expect(r2.valid).toBe(false);
  });

  it('reports conditions that do not parse', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'g')}<exclusiveGateway id="g" default="f3"/>${flow('f2', 'g', 'e', '${a ==}')}${flow('f3', 'g', 'e')}<endEvent id="e"/>`,
    );
    const r = await validateBpmn(xml);
    expect(r.valid).toBe(false);
    const p = r.problems.find((x) => x.elementId === 'f2');
    expect(p?.message).toMatch(/Condition of 'f2' does not parse: Syntax error at position/);
    expect(p?.line).toBe(5);
  });

  it('reports Groovy the engine cannot run with its document line', async () => {
    const xml = simple(
      '<scriptTask id="t" scriptFormat="groovy"><script>\ndef x = 1\ndef r = 1..3\n</script></scriptTask>',
    );
    const r = await validateBpmn(xml);
    expect(r.valid).toBe(false);
    const p = r.problems.find((x) => x.elementId === 't');
    expect(p?.message).toMatch(
      /Groovy script of 't' uses Groovy this engine cannot run \(script line 3\): the operator '\.\.' is not supported/,
    );
    expect(p?.line).toBe(7);
  });

  it('accepts the Groovy idioms of IDM scripts (def, map literals, GStrings, closures)', async () => {
    const r = await validateBpmn(
      simple(
        '<scriptTask id="t" scriptFormat="groovy"><script>\ndef x = [a: 1]\nprintln "v ${x.a}"\n[1, 2].each { println it }\n</script></scriptTask>',
      ),
    );
    expect(r.problems).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('accepts a groovy script that is valid JavaScript', async () => {
    const r = await validateBpmn(
      simple('<scriptTask id="t" scriptFormat="groovy"><script>execution.setVariable("a", 1)</script></scriptTask>'),
    );
    expect(r.valid).toBe(true);
  });

  it('refuses unknown script languages', async () => {
    const r = await validateBpmn(
      simple('<scriptTask id="t" scriptFormat="python"><script>x = 1</script></scriptTask>'),
    );
    expect(r.problems.map((p) => p.message)).toContain("Script format 'python' of 't' is not supported");
  });

  it('applies bpmnlint rules: a process without a start event', async () => {
    const r = await validateBpmn(bpmn('<userTask id="t"/>'));
    expect(r.valid).toBe(false);
    expect(r.problems.some((p) => p.rule === 'start-event-required')).toBe(true);
  });

  it('warns about disconnected elements without failing', async () => {
    const r = await validateBpmn(
      bpmn(`<startEvent id="s"/>${flow('f1', 's', 'e')}<endEvent id="e"/><userTask id="lonely"/>`),
    );
    expect(r.problems.some((p) => p.rule === 'no-disconnected' && p.elementId === 'lonely')).toBe(true);
    expect(r.valid).toBe(true);
  });

  it('throws a BpmnValidationError listing the problems from compileBpmn', async () => {
    await expect(compileBpmn('not xml at all')).rejects.toBeInstanceOf(BpmnValidationError);
  });

  it('accepts ISO repeating intervals and cron cycles, refuses other cycles', async () => {
    const doc = (cycle: string) =>
      bpmn(
        `<startEvent id="s"/>${flow('f1', 's', 't')}<userTask id="t"/>${flow('f2', 't', 'e')}<endEvent id="e"/>
         <boundaryEvent id="b" attachedToRef="t" cancelActivity="false"><timerEventDefinition><timeCycle>${cycle}</timeCycle></timerEventDefinition></boundaryEvent>${flow('f3', 'b', 'e2')}<endEvent id="e2"/>`,
      );
    expect((await validateBpmn(doc('0 0/5 * * * ?'))).valid).toBe(true);
    const bad = await validateBpmn(doc('every five minutes'));
    expect(bad.valid).toBe(false);
    expect(bad.problems.some((p) => /Timer cycle 'every five minutes' of 'b' is not supported/.test(p.message))).toBe(
      true,
    );
    const iso = await validateBpmn(doc('R3/PT10H'));
    expect(iso.valid).toBe(true);
    expect(iso.problems.filter((p) => p.elementId === 'b')).toEqual([]);
    expect((await validateBpmn(doc('R/2026-01-01T00:00:00Z/PT1H'))).valid).toBe(true);
    expect((await validateBpmn(doc('R2/PT0S'))).valid).toBe(false);
  });

  it('takes text without ${…} as a literal service expression, as Flowable does (OpenIDM chess sample)', async () => {
    const r = await validateBpmn(
      simple('<serviceTask id="t" activiti:expression="black" activiti:resultVariableName="currentPlayer"/>'),
    );
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('names the attributes it ignores as warnings', async () => {
    const r = await validateBpmn(
      simple(
        '<scriptTask id="t" scriptFormat="javascript" activiti:autoStoreVariables="true" activiti:skipExpression="${skip}"><script>var x = 1;</script></scriptTask>',
      ),
    );
    expect(r.valid).toBe(true);
    const msgs = r.problems.filter((p) => p.severity === 'warning').map((p) => p.message);
    expect(msgs).toContain("skipExpression on 't' is not supported and is ignored");
    // autoStoreVariables is supported (the script's globals are stored): no warning.
    expect(msgs.filter((m) => m.includes('autoStoreVariables'))).toEqual([]);
    const unknown = await validateBpmn(simple('<userTask id="t" activiti:madeUp="1"/>'));
    expect(unknown.problems).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        elementId: 't',
        message: "Attribute activiti:madeUp on 't' is not supported and is ignored",
      }),
    );
  });
});

describe('BPMN parsed as Flowable parses it', () => {
  const errors = async (xml: string) =>
    (await validateBpmn(xml)).problems.filter((p) => p.severity === 'error').map((p) => [p.elementId, p.message]);

  it('gives flows without an id the same ids on every compile, parallel ones numbered', async () => {
    const xml = bpmn(
      `<startEvent id="s"/><sequenceFlow sourceRef="s" targetRef="t"/><sequenceFlow sourceRef="s" targetRef="t"/>
       <userTask id="t"/><sequenceFlow sourceRef="t" targetRef="e"/><endEvent id="e"/>`,
    );
    const ids = async () => Object.keys((await compileBpmn(xml)).graphs[0]!.flows).sort();
    expect(await ids()).toEqual(['flow_s_t', 'flow_s_t_2', 'flow_t_e']);
    expect(await ids()).toEqual(await ids());
    expect((await compileBpmn(xml)).graphs[0]!.nodes.s!.outgoing).toEqual(['flow_s_t', 'flow_s_t_2']);
  });

  it("reads attributes with whitespace around '=' and ids with spaces around them, leaving scripts alone", async () => {
    const xml = bpmn(
      `<startEvent id = "s"/><sequenceFlow id="f1 " sourceRef=" s" targetRef
       ="t"/><scriptTask id="t" scriptFormat="javascript"><script>var a ="x"; execution.setVariable('a', a)</script></scriptTask>
       <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>`,
    );
    const r = await validateBpmn(xml);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const g = r.graphs[0]!;
    expect(g.flows.f1).toEqual({ id: 'f1', source: 's', target: 't' });
    expect(g.nodes.t!.script!.source).toBe(`var a ="x"; execution.setVariable('a', a)`);
    // lines stay where they were: the script task's tag starts on line 6 of the document
    expect((await parseBpmn(xml)).lines.get('t')).toBe(6);
    expect((await parseBpmn(xml)).lines.get('f1')).toBe(5);
  });

  it('takes a loopDataInputRef naming no data input as the collection variable', async () => {
    const { graphs } = await compileBpmn(
      simple(`<userTask id="t"><multiInstanceLoopCharacteristics isSequential="false">
        <loopDataInputRef>assigneeList</loopDataInputRef><inputDataItem name="assignee"/>
      </multiInstanceLoopCharacteristics></userTask>`),
    );
    expect(graphs[0]!.nodes.t!.multiInstance).toEqual({
      sequential: false,
      collection: 'assigneeList',
      elementVariable: 'assignee',
    });
  });

  it('refuses a message without a name, and two message events waiting in one scope for the same message', async () => {
    const unnamed = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'c')}<intermediateCatchEvent id="c"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>${flow('f2', 'c', 'e')}<endEvent id="e"/>`,
      { roots: '<message id="m"/>' },
    );
    expect(await errors(unnamed)).toEqual([['c', "Message event 'c' refers to message 'm', which has no name"]]);
    const boundaries = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 't')}<userTask id="t"/>${flow('f2', 't', 'e')}<endEvent id="e"/>
       <boundaryEvent id="b1" attachedToRef="t"><messageEventDefinition messageRef="m"/></boundaryEvent>${flow('f3', 'b1', 'e')}
       <boundaryEvent id="b2" attachedToRef="t"><messageEventDefinition messageRef="m"/></boundaryEvent>${flow('f4', 'b2', 'e')}
       <boundaryEvent id="b3" attachedToRef="t"><messageEventDefinition messageRef="other"/></boundaryEvent>${flow('f5', 'b3', 'e')}`,
      { roots: '<message id="m" name="go"/><message id="other" name="stop"/>' },
    );
    expect(await errors(boundaries)).toEqual([
      [
        'b2',
        "Cannot have more than one message event subscription with name 'go' for scope 't': 'b2' and 'b1' both wait for it",
      ],
    ]);
    const starts = bpmn(
      `<startEvent id="s1"><messageEventDefinition messageRef="m"/></startEvent>${flow('f1', 's1', 'e')}
       <startEvent id="s2"><messageEventDefinition messageRef="m"/></startEvent>${flow('f2', 's2', 'e')}<endEvent id="e"/>`,
      { roots: '<message id="m" name="go"/>' },
    );
    expect((await errors(starts)).map(([id]) => id)).toEqual(['s2']);
  });

  it('refuses an error end event whose <error> has no errorCode (Camunda), and catches with one that has none', async () => {
    const end = (error: string) =>
      bpmn(
        `<startEvent id="s"/>${flow('f1', 's', 'theEnd')}<endEvent id="theEnd"><errorEventDefinition errorRef="e1"/></endEvent>`,
        { roots: error },
      );
    for (const error of ['<error id="e1"/>', '<error id="e1" errorCode=""/>'])
      expect(await errors(end(error))).toEqual([
        [
          'theEnd',
          "Error end event 'theEnd': error 'e1' has no errorCode ('errorCode' is mandatory on errors referenced by throwing error event definitions)",
        ],
      ]);
    expect(await errors(end('<error id="e1" errorCode="42"/>'))).toEqual([]);
    // a raw code in errorRef (no <error>) is the code itself, as Flowable reads it
    expect(await errors(end(''))).toEqual([]);
  });

  it('names the flow into an event after an event-based gateway that does not come from the gateway', async () => {
    const xml = bpmn(
      `<startEvent id="s"/>${flow('f0', 's', 'gw')}${flow('invalidFlow', 's', 'm')}<eventBasedGateway id="gw"/>
       ${flow('f1', 'gw', 'm')}${flow('f2', 'gw', 'tm')}
       <intermediateCatchEvent id="m"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent>
       <intermediateCatchEvent id="tm"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
       ${flow('f3', 'm', 'e')}${flow('f4', 'tm', 'e')}<endEvent id="e"/>`,
      { roots: '<signal id="sig" name="alert"/>' },
    );
    expect(await errors(xml)).toContainEqual([
      'invalidFlow',
      "Invalid incoming sequence flow 'invalidFlow' for intermediate catch event 'm': it follows event-based gateway 'gw', which must be its only incoming flow",
    ]);
  });

  it('evaluates an expression in a timer start event at deploy, without variables', async () => {
    const start = (timer: string) =>
      bpmn(
        `<startEvent id="s"><timerEventDefinition>${timer}</timerEventDefinition></startEvent>${flow('f', 's', 'e')}<endEvent id="e"/>`,
      );
    const { graphs } = await compileBpmn(start("<timeDate>${'2036-11-14T11:12:22'}</timeDate>"));
    expect(graphs[0]!.nodes.s!.event!.timer).toEqual({ type: 'date', value: '2036-11-14T11:12:22' });
    expect(await errors(start('<timeCycle>${cycle}</timeCycle>'))).toEqual([
      ['s', expect.stringContaining("Timer start event 's': its cycle '${cycle}' must be known at deploy time")],
    ]);
  });

  it('joins a link throw event to the link catch event of the same name in its scope', async () => {
    const link = (kind: string, id: string, name = 'A') =>
      `<intermediate${kind}Event id="${id}"><linkEventDefinition name="${name}"/></intermediate${kind}Event>`;
    const { graphs } = await compileBpmn(
      bpmn(
        `<startEvent id="s"/>${flow('f1', 's', 'go')}${link('Throw', 'go')}${link('Catch', 'land')}${flow('f2', 'land', 'e')}<endEvent id="e"/>`,
      ),
    );
    const g = graphs[0]!;
    expect(g.flows.link_go_land).toEqual({ id: 'link_go_land', source: 'go', target: 'land' });
    expect(g.nodes.go!.outgoing).toEqual(['link_go_land']);
    expect(g.nodes.land!.incoming).toEqual(['link_go_land']);
    const nowhere = bpmn(
      `<startEvent id="s"/>${flow('f1', 's', 'go')}${link('Throw', 'go', 'B')}${link('Catch', 'land')}${flow('f2', 'land', 'e')}<endEvent id="e"/>`,
    );
    expect(await errors(nowhere)).toContainEqual([
      'go',
      "Link throw event 'go': no link catch event named 'B' in the same scope",
    ]);
  });
});
