import { describe, expectTypeOf, it } from 'vitest';
import { type components, createIgaClient, type IgaApiError } from '../src/index.js';

const iga = createIgaClient({ baseUrl: 'https://t', token: async () => 'x' });
type S = components['schemas'];

describe('iga types', () => {
  it('types results from the spec', async () => {
    expectTypeOf(iga.requests.get('r')).resolves.toEqualTypeOf<S['Request']>();
    for await (const d of iga.definitions.list()) expectTypeOf(d).toEqualTypeOf<S['WorkflowDefinitionListItem']>();
    expectTypeOf<IgaApiError['body']>().toEqualTypeOf<S['IgaError'] | undefined>();
  });

  it('rejects wrong paths, missing fields and wrong bodies', () => {
    // @ts-expect-error: no such path
    iga.raw.GET('/iga/governance/workflowz');
    // @ts-expect-error: id is required to publish
    iga.definitions.publish({ name: 'x' });
    // @ts-expect-error: comment must be a string
    iga.requests.approve('r', { comment: 1 });
  });
});
