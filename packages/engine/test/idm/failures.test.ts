import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

const SCRIPT = `var total = 0;
total = total + amount;
var x = foo.bar;`;

/** QuickJS quotes the name: `ReferenceError: 'foo' is not defined`. */
const SCRIPT_FAILED = /^Script task 'prepare' failed at line 3: ReferenceError: '?foo'? is not defined$/;

/** Every failing command answers in CREST's error shape with the cause, and logs it with the request id. */
describe.each(testStores())('clear failures on $name', (factory) => {
  let h: IdmHarness;
  beforeAll(async () => {
    h = await idmHarness(factory);
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('a', 'start', 'prepare')}
         <scriptTask id="prepare" name="Prepare" scriptFormat="javascript"><script><![CDATA[${SCRIPT}]]></script></scriptTask>
         ${flow('b', 'prepare', 'end')}<endEvent id="end"/>`,
        { id: 'badScript' },
      ),
    );
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('a', 'start', 'gw')}<exclusiveGateway id="gw"/>
         ${flow('yes', 'gw', 'end', '${amount > 100}')}${flow('no', 'gw', 'end2', '${amount < 10}')}
         <endEvent id="end"/><endEvent id="end2"/>`,
        { id: 'noFlow' },
      ),
    );
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('a', 'start', 'gw')}<exclusiveGateway id="gw"/>
         ${flow('yes', 'gw', 'end', '${approved}')}${flow('no', 'gw', 'end', '${!approved}')}<endEvent id="end"/>`,
        { id: 'unknownVariable' },
      ),
    );
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('a', 'start', 'prepare')}
         <scriptTask id="prepare" scriptFormat="javascript" flowable:async="true"><script><![CDATA[${SCRIPT}]]></script></scriptTask>
         ${flow('b', 'prepare', 'end')}<endEvent id="end"/>`,
        { id: 'asyncBadScript', ns: 'flowable' },
      ),
    );
  });
  afterAll(() => h.close());

  const failedLine = (requestId: string) =>
    h.logs.entries.find((e) => e.level === 'error' && e.requestId === requestId && e.msg === 'request failed');

  it('answers a script error with the script task, the line and the JavaScript error, and logs it', async () => {
    const requestId = 'req-script-1';
    const r = await h.call(
      'POST',
      '/openidm/workflow/processinstance?_action=create',
      { _key: 'badScript', amount: 5 },
      { 'X-Request-Id': requestId },
    );
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ code: 500, reason: 'Internal Server Error', message: expect.any(String) });
    expect(r.json.message).toMatch(SCRIPT_FAILED);
    expect(failedLine(requestId)).toMatchObject({
      status: 500,
      error: r.json.message,
      path: '/openidm/workflow/processinstance',
    });
    // Nothing was stored: the command rolled back.
    const q = await h.call(
      'GET',
      '/openidm/workflow/processinstance/history?_queryId=filtered-query&processDefinitionKey=badScript',
    );
    expect(q.json.result).toEqual([]);
  });

  it('names the gateway when no outgoing flow matches', async () => {
    const r = await h.call(
      'POST',
      '/openidm/workflow/processinstance?_action=create',
      { _key: 'noFlow', amount: 50 },
      { 'X-Request-Id': 'req-noflow' },
    );
    expect(r.status).toBe(500);
    expect(r.json.message).toBe("No outgoing sequence flow of exclusive gateway 'gw' could be selected");
    expect(failedLine('req-noflow')).toBeDefined();
  });

  it('names the flow and the variable when a condition uses an unknown variable', async () => {
    const r = await h.call(
      'POST',
      '/openidm/workflow/processinstance?_action=create',
      { _key: 'unknownVariable' },
      { 'X-Request-Id': 'req-unknown' },
    );
    expect(r.status).toBe(500);
    expect(r.json.message).toMatch(/sequence flow 'yes'.*approved/);
    expect(failedLine('req-unknown')).toBeDefined();
  });

  it('keeps the script line, the element and the process in the stacktrace of a failing async job', async () => {
    const s = await h.start('asyncBadScript', { amount: 1 });
    expect(s.status).toBe(201);
    for (let i = 0; i < 5; i++) await h.advance(60 * 60_000);
    const dead = await h.call(
      'GET',
      `/openidm/workflow/job/deadletter?_queryId=filtered-query&processInstanceId=${s.json._id}`,
    );
    expect(dead.json.result).toHaveLength(1);
    const [job] = dead.json.result;
    expect(job.exceptionMessage).toMatch(SCRIPT_FAILED);
    const st = await h.call('POST', `/openidm/workflow/job/deadletter/${job._id}?_action=stacktrace`);
    expect(st.status).toBe(200);
    expect(st.json.stacktrace.split('\n')).toEqual([
      job.exceptionMessage,
      '    at script (line 3)',
      "    at scriptTask 'prepare'",
      `    at process 'asyncBadScript' (definition ${job.processDefinitionId}, instance ${s.json._id})`,
    ]);
  });

  it('lets JavaScript read process variables as globals, with execution bound and resultVariable set', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('a', 'start', 'sum')}
         <scriptTask id="sum" scriptFormat="javascript" flowable:resultVariable="total"><script><![CDATA[
           var sum = a + b;
           execution.setVariable('doubled', sum * 2);
           sum;
         ]]></script></scriptTask>${flow('b', 'sum', 'wait')}<userTask id="wait"/>`,
        { id: 'globals', ns: 'flowable' },
      ),
    );
    const s = await h.start('globals', { a: 2, b: 3 });
    expect(s.status).toBe(201);
    expect(await h.variables(s.json._id)).toMatchObject({ total: 5, doubled: 10 });
  });
});
