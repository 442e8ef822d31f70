import { describe, expectTypeOf, it } from 'vitest';
import { type components, createKontentClient, type KontentApiError } from '../src/index.js';

type Workflow = components['schemas']['Workflow'];
const kontent = createKontentClient({ apiKey: 'k', environmentId: 'e' });

describe('kontent types', () => {
  it('types results from the spec', async () => {
    expectTypeOf(kontent.workflows.list()).resolves.toEqualTypeOf<Workflow[]>();
    expectTypeOf(kontent.workflows.update).returns.resolves.toEqualTypeOf<Workflow>();
    expectTypeOf(kontent.variants.get('codename/a', 'codename/en')).resolves.toEqualTypeOf<
      components['schemas']['LanguageVariant']
    >();
    for await (const item of kontent.items.list())
      expectTypeOf(item).toEqualTypeOf<components['schemas']['ContentItem']>();
    expectTypeOf<KontentApiError['body']>().toEqualTypeOf<components['schemas']['KontentError'] | undefined>();
  });

  it('rejects wrong paths, missing fields and wrong bodies', () => {
    // @ts-expect-error: no such path
    kontent.raw.GET('/projects/{environment_id}/workflowz', { params: { path: { environment_id: 'e' } } });
    // @ts-expect-error: step_identifier is required
    kontent.variants.changeWorkflow('codename/a', 'codename/en', { workflow_identifier: { codename: 'w' } });
    // @ts-expect-error: name must be a string
    kontent.languages.add({ name: 42, codename: 'x' });
    // @ts-expect-error: the body is required
    kontent.workflows.add();
  });
});
