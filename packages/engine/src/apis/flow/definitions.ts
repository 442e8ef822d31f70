/** Rules of FLOW definitions: what a save stores (the body with defaults) and how a snapshot reads back. */
import type { FlowDefinitionBody } from '../../dialects/flow/validate.js';
import type { Snapshot, StoredBody } from './repository/index.js';

/** The definition as sent, with FrankieOne's defaults applied. */
export function storedBody(input: FlowDefinitionBody): StoredBody {
  return {
    name: input.name,
    tasks: input.tasks,
    ...(input.description !== undefined ? { description: input.description } : {}),
    owner: input.owner ?? 'SYSTEM',
    isTemplate: input.isTemplate ?? false,
    tags: input.tags ?? [],
    initialState: input.initialState ?? {},
    ...(input.defaultErrorHandling !== undefined ? { defaultErrorHandling: input.defaultErrorHandling } : {}),
    variables: input.variables ?? [],
  };
}

/** The `WorkflowDefinition` response shape of a snapshot. */
export function renderDefinition(s: Snapshot) {
  return {
    id: s.id,
    name: s.body.name,
    tasks: s.body.tasks,
    ...(s.body.description !== undefined ? { description: s.body.description } : {}),
    owner: s.body.owner,
    isDraft: s.version === -1,
    isTemplate: s.body.isTemplate,
    tags: s.body.tags,
    initialState: s.body.initialState,
    ...(s.body.defaultErrorHandling !== undefined ? { defaultErrorHandling: s.body.defaultErrorHandling } : {}),
    variables: s.body.variables,
    versions: Array.from({ length: s.latestVersion }, (_, i) => i + 1),
    version: s.version,
    versionId: s.versionId,
    createdAt: s.createdAt,
    createdBy: s.createdBy,
    updatedAt: s.updatedAt,
    updatedBy: s.updatedBy,
  };
}

export interface Paging {
  page: number;
  limit: number;
  sort: 'asc' | 'desc';
  offset: number;
}

/** FrankieOne's paging parameters (validated by the spec), with their defaults. */
export function paging(query: Record<string, unknown>): Paging {
  const page = (query.page as number | undefined) ?? 1;
  const limit = (query.limit as number | undefined) ?? 20;
  const sort = (query.sort as 'asc' | 'desc' | undefined) ?? 'desc';
  return { page, limit, sort, offset: (page - 1) * limit };
}

/** The `meta` of a paged list. */
export const pageMeta = (p: Paging, count: number, total: number, sortFields: string[]) => ({
  page: p.page,
  limit: p.limit,
  count,
  total,
  sort: p.sort,
  sortFields,
});
