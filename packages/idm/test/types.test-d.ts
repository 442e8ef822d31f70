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
