import { describe, expectTypeOf, it } from 'vitest';
import { type components, createIdmClient, type IdmApiError } from '../src/index.js';

const idm = createIdmClient({ username: 'u', password: 'p' });
type S = components['schemas'];

describe('idm types', () => {
  it('types results from the spec', async () => {
    expectTypeOf(idm.tasks.get('t1')).resolves.toEqualTypeOf<S['TaskInstance']>();
    expectTypeOf(idm.processInstances.create({ _key: 'k' })).resolves.toEqualTypeOf<S['ProcessInstanceCreated']>();
    expectTypeOf(idm.tasks.claim('t1', 'u')).resolves.toEqualTypeOf<S['TaskActionResult']>();
    // Each CREST action answers its own schema (x-wfkit-action-responses), not the union of the operation's.
    expectTypeOf(idm.models.validateBpmn({ bpmnXML: '<x/>' })).resolves.toEqualTypeOf<S['BpmnValidationResult']>();
    expectTypeOf(idm.models.deploy('m1')).resolves.toEqualTypeOf<S['ModelDeployResult']>();
    for await (const t of idm.tasks.list({ assignee: 'x' })) expectTypeOf(t).toEqualTypeOf<S['TaskInstance']>();
    expectTypeOf<IdmApiError['body']>().toEqualTypeOf<S['CrestError'] | undefined>();
  });

  it('rejects wrong paths, missing fields and wrong bodies', () => {
    // @ts-expect-error: no such path
    idm.raw.GET('/openidm/workflow/taskinstancez');
    // @ts-expect-error: messageName is required
    idm.executions.message({ executionId: 'e1' });
    // @ts-expect-error: userId is a string
    idm.tasks.claim('t1', 42);
    // @ts-expect-error: _queryFilter is required for models
    idm.models.list({});
  });
});

describe('per-call options', () => {
  const signal = new AbortController().signal;
  it('go in the last argument, or in place of params that may be left out', () => {
    idm.tasks.get('t1', { signal, timeout: 5000 });
    idm.tasks.get('t1', { _fields: 'name' }, { signal, retry: false, headers: { 'X-Trace': '1' } });
    idm.tasks.get('t1', undefined, { signal });
    idm.tasks.claim('t1', 'u', { idempotencyKey: 'k' });
  });

  it('a query object cannot swallow options', () => {
    // @ts-expect-error: `signal` is not a query parameter
    idm.tasks.get('t1', { _fields: 'name', signal });
    // @ts-expect-error: `timeout` is not a query parameter
    idm.tasks.list({ assignee: 'x', timeout: 5000 });
    // @ts-expect-error: options are no query parameters when the query is required
    idm.models.list({ signal });
    // @ts-expect-error: not an option
    idm.tasks.get('t1', { signal }, { signal });
  });

  it('withResponse() gives data, response and request id', () => {
    expectTypeOf(idm.tasks.get('t1').withResponse()).resolves.toEqualTypeOf<{
      data: S['TaskInstance'];
      response: Response;
      requestId: string | undefined;
    }>();
  });
});
