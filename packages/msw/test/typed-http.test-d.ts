import type { paths as IdmPaths } from '@wfkit/idm';
import type { paths } from '@wfkit/kontent';
import { HttpResponse } from 'msw';
import { describe, expectTypeOf, it } from 'vitest';
import { createHttp } from '../src/index.js';

const http = createHttp<paths>('https://manage.kontent.ai/v2');
type Workflows = paths['/projects/{environment_id}/workflows']['get']['responses'][200]['content']['application/json'];

describe('createHttp<paths>', () => {
  it('types the path parameters from the template', () => {
    http.get('/projects/{environment_id}/workflows/codename/{workflow_codename}' as never, () => undefined);
    http.put('/projects/{environment_id}/workflows/{workflow_id}', ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<{ environment_id: string; workflow_id: string }>();
      // @ts-expect-error -- not a parameter of this path
      params.item_id;
      return undefined;
    });
  });

  it('accepts a documented response body', () => {
    const body: Workflows = [];
    http.get('/projects/{environment_id}/workflows', () => HttpResponse.json(body));
  });

  it('refuses a body the operation does not document', () => {
    // @ts-expect-error -- a workflow list is an array of workflows, not this object
    http.get('/projects/{environment_id}/workflows', () => HttpResponse.json({ workflows: 'nope' }));
  });

  it('refuses a path the spec does not have, or not for this method', () => {
    // @ts-expect-error -- no such path
    http.get('/projects/{environment_id}/workflowz', () => undefined);
    // @ts-expect-error -- the workflow collection has no DELETE
    http.delete('/projects/{environment_id}/workflows', () => undefined);
  });

  it('types the request body', () => {
    http.post('/projects/{environment_id}/workflows', async ({ request }) => {
      const body = await request.json();
      expectTypeOf(body).toEqualTypeOf<
        paths['/projects/{environment_id}/workflows']['post']['requestBody']['content']['application/json']
      >();
      return undefined;
    });
  });

  it('types other SDKs the same way (IDM: a CREST action answer, 201 create)', () => {
    const idm = createHttp<IdmPaths>('http://localhost:8080');
    type Instance =
      IdmPaths['/openidm/workflow/processinstance']['post']['responses'][201]['content']['application/json'];
    idm.post('/openidm/workflow/processinstance', ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<Record<never, string>>();
      const created: Instance = {
        _id: '1',
        businessKey: null,
        processDefinitionId: 'p:1:1',
        processInstanceId: '1',
        status: 'suspended',
      };
      return HttpResponse.json(created, { status: 201 });
    });
    const wrong = { _id: '1', businessKey: null, processDefinitionId: 'p', processInstanceId: '1', status: 'running' };
    // @ts-expect-error -- status must be 'ended' or 'suspended'
    idm.post('/openidm/workflow/processinstance', () => HttpResponse.json(wrong));
  });

  it("narrows a CREST path to one documented _action, and refuses an action the path doesn't have", () => {
    const idm = createHttp<IdmPaths>('http://localhost:8080');
    idm.post('/openidm/workflow/taskinstance/{id}', () => undefined, { action: 'claim' });
    // @ts-expect-error -- task instances have claim and complete, not approve
    idm.post('/openidm/workflow/taskinstance/{id}', () => undefined, { action: 'approve' });
  });
});
