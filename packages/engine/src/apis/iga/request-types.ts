/** IGA request types: list, create (custom types, by an administrator), read, and patch (the bound workflow, name). */

import type { RequestContext } from '../../http/api-module.js';
import type { IgaCaller } from './callers.js';
import { igaError } from './errors.js';
import { filterOf, listPage } from './listing.js';
import * as repo from './repository.js';

export async function listRequestTypes(c: RequestContext) {
  const match = filterOf(c);
  const found = (await repo.listRequestTypes(c.db)).filter((t) => match(t));
  const { searchAfterKey: _key, ...list } = listPage(c, found, { sort: 'id' });
  return { body: list };
}

interface CreateTypeBody {
  id?: string;
  displayName: string;
  description?: string;
  workflow?: { id?: string };
  schemas?: { common?: unknown[]; custom?: unknown[] };
}

export async function createRequestType(c: RequestContext) {
  if ((c.principal as IgaCaller | undefined)?.admin === false)
    throw igaError(403, 'Only an administrator may create request types');
  const body = c.body as CreateTypeBody;
  return c.db.transaction(async (tx) => {
    const workflowId = body.workflow?.id;
    if (workflowId && !(await repo.sharePublished(tx, workflowId)))
      throw igaError(400, `Workflow ${workflowId} has no published definition`);
    const t: repo.RequestTypeRecord = {
      id: body.id ?? c.ids.uuid(),
      displayName: body.displayName,
      ...(body.description !== undefined ? { description: body.description } : {}),
      workflow: workflowId ? { id: workflowId } : {},
      _rev: 0,
      custom: true,
      schemas: {
        ...(body.schemas?.common ? { common: body.schemas.common } : {}),
        ...(body.schemas?.custom ? { custom: body.schemas.custom } : {}),
      },
    };
    if (!(await repo.insertRequestType(tx, t))) throw igaError(409, `Request type with id: ${t.id} already exists`);
    return { status: 201, body: t };
  });
}

export async function readRequestType(c: RequestContext) {
  const t = await repo.readRequestType(c.db, c.params.requestTypeId!);
  if (!t) throw igaError(404, `Request type with id: ${c.params.requestTypeId} was not found`);
  return { body: t };
}

export async function patchRequestType(c: RequestContext) {
  const id = c.params.requestTypeId!;
  const ops = c.body as { operation: string; field: string; value: string }[];
  return c.db.transaction(async (tx) => {
    const t = await repo.readRequestType(tx, id, true);
    if (!t) throw igaError(404, `Request type with id: ${id} was not found`);
    const changes: { workflowId?: string; displayName?: string } = {};
    for (const op of ops) {
      if (op.field === '/workflow/id') {
        // FOR SHARE: a forced delete of that definition (FOR UPDATE) can't slip in before this commits.
        if (!(await repo.sharePublished(tx, op.value)))
          throw igaError(400, `Workflow ${op.value} has no published definition`);
        changes.workflowId = op.value;
      } else changes.displayName = op.value;
    }
    return { body: await repo.updateRequestType(tx, id, changes) };
  });
}
