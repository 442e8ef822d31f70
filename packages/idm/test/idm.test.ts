import { describe, expect, it } from 'vitest';
import { createIdmClient } from '../src/index.js';
import { recordingFetch } from './helpers.js';

const BASE = 'https://idm.example/openidm/workflow';

function setup(respond?: (r: Request) => Response) {
  const rec = recordingFetch(respond);
  const idm = createIdmClient({ baseUrl: 'https://idm.example', username: 'admin', password: 'pw', fetch: rec.fetch });
  const lines = () => rec.calls.map((c) => `${c.method} ${c.url.replace(BASE, '')}`);
  return { idm, lines, ...rec };
}

describe('idm actions (every CREST _action)', () => {
  it('sends each action as ?_action= with its body', async () => {
    const { idm, calls, lines } = setup();
    await idm.models.create({ name: 'Onboarding', bpmnXML: '<definitions/>' });
    await idm.models.validateBpmn({ bpmnXML: '<definitions/>' } as never);
    await idm.models.deploy('m1');
    await idm.models.listDeployments('m1');
    await idm.processInstances.create({ _key: 'contractorOnboarding', foo: 'bar' });
    await idm.processInstances.migrate('p1', { processDefinitionId: 'x:2:1' } as never);
    await idm.processInstances.validateMigration('p1', { processDefinitionId: 'x:2:1' } as never);
    await idm.tasks.claim('t1', 'manager1');
    await idm.tasks.complete('t1', { decision: 'accept' });
    await idm.executions.message({ messageName: 'm', executionId: 'e1' });
    await idm.executions.signal({ signalName: 's' });
    await idm.executions.trigger({ executionId: 'e1' });
    await idm.jobs.execute('j1');
    await idm.jobs.stacktrace('j1');
    await idm.deadLetterJobs.execute('d1');
    await idm.deadLetterJobs.stacktrace('d1');
    expect(lines()).toEqual([
      'POST /model?_action=create',
      'POST /model?_action=validate_bpmn',
      'POST /model/m1?_action=deploy',
      'POST /model/m1?_action=list_deployments',
      'POST /processinstance?_action=create',
      'POST /processinstance/p1?_action=migrate',
      'POST /processinstance/p1?_action=validateMigration',
      'POST /taskinstance/t1?_action=claim',
      'POST /taskinstance/t1?_action=complete',
      'POST /execution?_action=message',
      'POST /execution?_action=signal',
      'POST /execution?_action=trigger',
      'POST /job/j1?_action=execute',
      'POST /job/j1?_action=stacktrace',
      'POST /job/deadletter/d1?_action=execute',
      'POST /job/deadletter/d1?_action=stacktrace',
    ]);
    expect(calls[4]?.body).toEqual({ _key: 'contractorOnboarding', foo: 'bar' });
    expect(calls[7]?.body).toEqual({ userId: 'manager1' });
    expect(calls[8]?.body).toEqual({ decision: 'accept' });
    expect(calls[2]?.body).toBeUndefined();
  });

  it('sends the IDM credentials headers on every call', async () => {
    const { idm, last } = setup();
    await idm.tasks.get('t1');
    expect(last().headers.get('x-openidm-username')).toBe('admin');
    expect(last().headers.get('x-openidm-password')).toBe('pw');
  });
});

describe('idm resources', () => {
  it('reads, updates and deletes on each resource path', async () => {
    const { idm, lines, calls } = setup((r) =>
      r.method === 'GET' && !/\/[^/]*\d[^/]*$/.test(new URL(r.url).pathname)
        ? Response.json({
            result: [],
            resultCount: 0,
            pagedResultsCookie: null,
            totalPagedResults: -1,
            remainingPagedResults: -1,
          })
        : Response.json({}),
    );
    await idm.models.get('m1');
    await idm.models.update('m1', { name: 'n' } as never, { 'If-Match': '*' });
    await idm.models.delete('m1');
    await idm.processDefinitions.get('pd1');
    await idm.processDefinitions.delete('pd1');
    await idm.taskDefinitions.get('pd1', 'td1');
    await idm.processInstances.get('p1');
    await idm.processInstances.delete('p1');
    await idm.processInstanceHistory.get('p1');
    await idm.processInstanceHistory.delete('p1');
    await idm.tasks.update('t1', { description: 'x' } as never);
    await idm.tasks.delete('t1');
    await idm.taskHistory.get('t1');
    await idm.jobs.get('j1');
    await idm.jobs.delete('j1');
    await idm.deadLetterJobs.get('d1');
    await idm.deadLetterJobs.delete('d1');
    await idm.taskDefinitions.list('pd1', { _queryFilter: 'true' }).toArray();
    expect(lines()).toEqual([
      'GET /model/m1',
      'PUT /model/m1',
      'DELETE /model/m1',
      'GET /processdefinition/pd1',
      'DELETE /processdefinition/pd1',
      'GET /processdefinition/pd1/taskdefinition/td1',
      'GET /processinstance/p1',
      'DELETE /processinstance/p1',
      'GET /processinstance/history/p1',
      'DELETE /processinstance/history/p1',
      'PUT /taskinstance/t1',
      'DELETE /taskinstance/t1',
      'GET /taskinstance/history/t1',
      'GET /job/j1',
      'DELETE /job/j1',
      'GET /job/deadletter/d1',
      'DELETE /job/deadletter/d1',
      'GET /processdefinition/pd1/taskdefinition?_queryFilter=true&_pageSize=50&_pagedResultsOffset=0',
    ]);
    expect(calls[1]?.headers.get('if-match')).toBe('*');
  });

  it('queries with filters as query parameters', async () => {
    const { idm, lines } = setup(() =>
      Response.json({
        result: [{ _id: 't1' }],
        resultCount: 1,
        pagedResultsCookie: null,
        totalPagedResults: -1,
        remainingPagedResults: -1,
      }),
    );
    const all = [];
    for await (const t of idm.tasks.list({ _queryId: 'filtered-query', assignee: 'manager1', _pageSize: 10 }))
      all.push(t);
    await idm.models.list({ _queryFilter: 'true' }).toArray();
    await idm.processDefinitions.list().toArray();
    await idm.processInstances.list().toArray();
    await idm.processInstanceHistory.list().toArray();
    await idm.taskHistory.list().toArray();
    await idm.executions.list().toArray();
    await idm.jobs.list().toArray();
    await idm.deadLetterJobs.list().toArray();
    expect(all).toHaveLength(1);
    expect(lines()[0]).toBe(
      'GET /taskinstance?_queryId=filtered-query&assignee=manager1&_pageSize=10&_pagedResultsOffset=0',
    );
    expect(
      lines()
        .slice(1)
        .map((l) => l.split('?')[0]),
    ).toEqual([
      'GET /model',
      'GET /processdefinition',
      'GET /processinstance',
      'GET /processinstance/history',
      'GET /taskinstance/history',
      'GET /execution',
      'GET /job',
      'GET /job/deadletter',
    ]);
  });
});
