import { describe, expect, it } from 'vitest';
import { createIgaClient } from '../src/index.js';
import { recordingFetch } from './helpers.js';

const ORIGIN = 'https://tenant.example';
const list = { result: [], resultCount: 0, totalCount: 0, searchAfterKey: null };

function setup(respond?: (r: Request) => Response) {
  const rec = recordingFetch(respond);
  const iga = createIgaClient({ baseUrl: ORIGIN, token: 'tok', fetch: rec.fetch });
  const lines = () => rec.calls.map((c) => `${c.method} ${c.url.replace(ORIGIN, '')}`);
  return { iga, lines, ...rec };
}

describe('iga actions (every _action)', () => {
  it('sends definition, request and requests actions with their bodies', async () => {
    const { iga, lines, calls } = setup();
    const def = { id: 'BasicApplicationGrant', name: 'Grant' } as never;
    await iga.definitions.create(def);
    await iga.definitions.validate(def);
    await iga.definitions.publish({ id: 'BasicApplicationGrant' });
    await iga.orchestration.create(def);
    await iga.orchestration.validate(def);
    await iga.orchestration.publish({ id: 'BasicApplicationGrant' });
    await iga.requests.create({} as never);
    await iga.requests.validate({} as never);
    await iga.requests.approve('r1', { comment: 'ok' });
    await iga.requests.reject('r1', { justification: 'no' } as never);
    await iga.requests.reassign('r1', {} as never);
    await iga.requests.comment('r1', { comment: 'hi' } as never);
    await iga.requests.cancel('r1', {} as never);
    await iga.requests.fulfill('r1', {} as never);
    await iga.requests.deny('r1', {} as never);
    await iga.requests.modify('r1', {} as never);
    await iga.requests.changeResumeDate('r1', {} as never, { phaseName: 'wait-1' });
    expect(lines()).toEqual([
      'POST /iga/governance/workflow?_action=create',
      'POST /iga/governance/workflow?_action=validate',
      'POST /iga/governance/workflow?_action=publish',
      'POST /auto/orchestration/definition?_action=create',
      'POST /auto/orchestration/definition?_action=validate',
      'POST /auto/orchestration/definition?_action=publish',
      'POST /iga/governance/requests?_action=create',
      'POST /iga/governance/requests?_action=validate',
      'POST /iga/governance/requests/r1?_action=approve',
      'POST /iga/governance/requests/r1?_action=reject',
      'POST /iga/governance/requests/r1?_action=reassign',
      'POST /iga/governance/requests/r1?_action=comment',
      'POST /iga/governance/requests/r1?_action=cancel',
      'POST /iga/governance/requests/r1?_action=fulfill',
      'POST /iga/governance/requests/r1?_action=deny',
      'POST /iga/governance/requests/r1?_action=modify',
      'POST /iga/governance/requests/r1?phaseName=wait-1&_action=changeResumeDate',
    ]);
    expect(calls[2]?.body).toEqual({ id: 'BasicApplicationGrant' });
    expect(calls[8]?.body).toEqual({ comment: 'ok' });
    expect(calls[0]?.headers.get('authorization')).toBe('Bearer tok');
  });
});

describe('iga resources', () => {
  it('calls each resource on its path', async () => {
    const { iga, lines } = setup((r) =>
      /_action=search|requestTypes$|requests\?|workflow\?/.test(r.url) ? Response.json(list) : Response.json({}),
    );
    await iga.definitions.getDraft('d');
    await iga.definitions.updateDraft('d', { id: 'd', name: 'n' } as never);
    await iga.definitions.deleteDraft('d');
    await iga.definitions.getPublished('d');
    await iga.definitions.deletePublished('d', { force: true });
    await iga.orchestration.getDraft('d');
    await iga.orchestration.updateDraft('d', { id: 'd', name: 'n' } as never);
    await iga.orchestration.deleteDraft('d');
    await iga.orchestration.getPublished('d');
    await iga.orchestration.deletePublished('d');
    await iga.scripts.validate({} as never);
    await iga.scripts.getDefault();
    await iga.requestTypes.get('applicationGrant');
    await iga.requestTypes.patch('applicationGrant', [] as never);
    await iga.requests.get('r1');
    await iga.requests.search({}, { _pageSize: 10 }).toArray();
    await iga.users.searchTasks('u1', {} as never).toArray();
    await iga.users.searchRequests('u1', {} as never).toArray();
    expect(lines()).toEqual([
      'GET /iga/governance/workflow/d/draft',
      'PUT /iga/governance/workflow/d',
      'DELETE /iga/governance/workflow/d/draft',
      'GET /iga/governance/workflow/d/published',
      'DELETE /iga/governance/workflow/d/published?force=true',
      'GET /auto/orchestration/definition/d/draft',
      'PUT /auto/orchestration/definition/d',
      'DELETE /auto/orchestration/definition/d/draft',
      'GET /auto/orchestration/definition/d/published',
      'DELETE /auto/orchestration/definition/d/published',
      'POST /auto/orchestration/script?_action=validate',
      'GET /auto/orchestration/defaultScript',
      'GET /iga/governance/requestTypes/applicationGrant',
      'PATCH /iga/governance/requestTypes/applicationGrant',
      'GET /iga/governance/requests/r1',
      'POST /iga/governance/requests/search?_pageSize=10&_action=search&_pagedResultsOffset=0',
      'POST /iga/governance/user/u1/tasks?_action=search&_pagedResultsOffset=0&_pageSize=100',
      'POST /iga/governance/user/u1/requests?_action=search&_pagedResultsOffset=0&_pageSize=100',
    ]);
  });

  it('asks an async token provider once and reuses the token', async () => {
    let calls = 0;
    const rec = recordingFetch(() => Response.json({}));
    const iga = createIgaClient({
      baseUrl: ORIGIN,
      token: async () => {
        calls++;
        return `t${calls}`;
      },
      fetch: rec.fetch,
    });
    await iga.requests.get('a');
    await iga.requests.get('b');
    expect(calls).toBe(1);
    expect(rec.calls.map((c) => c.headers.get('authorization'))).toEqual(['Bearer t1', 'Bearer t1']);
  });
});
