import { describe, expectTypeOf, it } from 'vitest';
import { type components, createFlowClient, type FlowApiError } from '../src/index.js';

const flow = createFlowClient({ apiKey: 'k', customerId: 'c' });
type S = components['schemas'];

describe('flow types', () => {
  it('types results from the spec', async () => {
    expectTypeOf(flow.definitions.put('a', { name: 'n', tasks: [] }, { isDraft: true })).resolves.toEqualTypeOf<
      S['WorkflowDefinitionResponse']
    >();
    expectTypeOf(flow.executions.get('e')).resolves.toEqualTypeOf<S['WorkflowExecutionResponse']>();
    for await (const e of flow.executions.list()) expectTypeOf(e).toEqualTypeOf<S['WorkflowExecutionSummary']>();
    expectTypeOf<FlowApiError['body']>().toEqualTypeOf<S['FrankieError'] | undefined>();
  });

  it('rejects wrong paths, missing fields and wrong bodies', () => {
    // @ts-expect-error: no such path
    flow.raw.GET('/v2/workflowDefinitionz');
    // @ts-expect-error: name is required
    flow.definitions.put('a', { tasks: [] });
    // @ts-expect-error: tasks must be an array
    flow.definitions.put('a', { name: 'n', tasks: 'none' });
  });
});
