/**
 * IGA workflow definitions, both families (`/auto/orchestration/definition` and `/iga/governance/workflow`) on one
 * store: a draft and a published version per id; built-in workflows can't be changed. The rules of the definition
 * routes; their SQL is in repository.ts.
 */

import { compileIgaDefinition } from '../../dialects/iga/compile.js';
import type { IgaDefinition } from '../../dialects/iga/types.js';
import { expressionError, scriptError, validateIgaDefinition } from '../../dialects/iga/validate.js';
import type { RequestContext } from '../../http/api-module.js';
import { igaError } from './errors.js';
import { filterOf, listPage } from './listing.js';
import * as repo from './repository.js';
import { nowOf } from './request-context.js';

const notFound = (id: string) => igaError(404, `Workflow with id: ${id} was not found`);
const isBuiltIn = (d: repo.StoredDefinition | undefined) => d !== undefined && !d.mutable;

export const DEFAULT_SCRIPT = `/*
Script nodes are used to invoke APIs or execute business logic.
You can invoke governance APIs or IDM APIs.
See https://backstage.forgerock.com/docs/idcloud/latest/identity-governance/administration/workflow-configure.html for more details.

Script nodes should return a single value and should have the
logic enclosed in a try-catch block.

Example:
try {
  var requestObj = openidm.action('iga/governance/requests/' + requestId, 'GET', {}, {});
  applicationId = requestObj.application.id;
}
catch (e) {
  failureReason = 'Validation failed: Error reading request with id ' + requestId;
}
*/`;

/** Fills the defaults of an input definition (displayName = name, description '', childType false). */
function normalise(input: IgaDefinition): IgaDefinition {
  const { _rev, status, mutable, ...rest } = input;
  return {
    ...rest,
    displayName: input.displayName ?? input.name,
    description: input.description ?? '',
    childType: input.childType ?? false,
  };
}

/** Both families' lists: `_queryFilter`, `_queryString` (name, display name, description), sorted, paged. */
export async function list(c: RequestContext) {
  const all = await repo.listAll(c.db);
  const text = ((c.query._queryString as string | undefined) ?? '').toLowerCase();
  const match = filterOf(c);
  const found = all.filter(
    (d) =>
      match(d) &&
      (!text ||
        [d.name, d.displayName, d.description].some((v) => typeof v === 'string' && v.toLowerCase().includes(text))),
  );
  return { body: listPage(c, found, { sort: 'id,status', always: ['id', 'status'] }) };
}

/** A new draft (409 when the id has one already; 403 for a built-in workflow). */
async function create(c: RequestContext, familyBase: string) {
  const def = normalise(c.body as IgaDefinition);
  if (isBuiltIn(await repo.read(c.db, def.id, 'published'))) {
    throw igaError(403, `Workflow ${def.id} is built in and can't be modified; duplicate it under a new id`);
  }
  try {
    const draft = await repo.createDraft(c.db, def, nowOf(c));
    return { status: 201, body: draft, headers: { location: `${familyBase}/${encodeURIComponent(def.id)}/draft` } };
  } catch (e) {
    if (e instanceof repo.DraftExistsError || (e as { code?: string }).code === '23505') {
      throw igaError(409, `A draft already exists for workflow id: ${def.id}; update it with PUT or delete it first`);
    }
    throw e;
  }
}

/** Publishes the draft (replaced first by a full body, when given) once it validates and compiles. */
async function publish(c: RequestContext) {
  const input = c.body as Partial<IgaDefinition> & { id: string };
  const full = Object.keys(input).some((k) => !['id', '_rev', 'status', 'mutable'].includes(k));
  if (full && (input.name === undefined || input.steps === undefined || input.staticNodes === undefined)) {
    const missing = (['name', 'steps', 'staticNodes'] as const).filter((k) => input[k] === undefined);
    throw igaError(
      400,
      'The request body is invalid',
      missing.map((k) => ({
        step: null,
        field: `/${k}`,
        rule: 'schema' as const,
        message: 'is required when publishing a full definition',
      })),
    );
  }
  return c.db.transaction(async (tx) => {
    const published = await repo.read(tx, input.id, 'published');
    if (isBuiltIn(published))
      throw igaError(403, `Workflow ${input.id} is built in and can't be modified; duplicate it under a new id`);
    let draft = await repo.lockDraft(tx, input.id);
    if (!draft) throw notFound(input.id);
    if (full) draft = (await repo.updateDraft(tx, normalise(input as IgaDefinition), nowOf(c)))!;
    const problems = validateIgaDefinition(draft);
    if (problems.length > 0) throw igaError(400, `Workflow ${input.id} is not valid and can't be published`, problems);
    compileIgaDefinition(draft); // what publishes must compile: a request deploys it
    return { body: await repo.publishDraft(tx, draft, nowOf(c)) };
  });
}

/** `POST <family>?_action=create|validate|publish`. */
export const action = (familyBase: string) => async (c: RequestContext) => {
  switch (c.query._action) {
    case 'create':
      return create(c, familyBase);
    case 'validate': {
      const errors = validateIgaDefinition(c.body as IgaDefinition);
      return { body: { valid: errors.length === 0, errors } };
    }
    default:
      return publish(c);
  }
};

/** Replaces the draft's body. */
export async function update(c: RequestContext) {
  const id = c.params.id!;
  const def = normalise(c.body as IgaDefinition);
  if (def.id !== id) {
    throw igaError(400, `The id of the body (${def.id}) differs from the id in the path (${id})`, [
      { step: null, field: '/id', rule: 'idMismatch', message: `must be equal to the path's id ${id}` },
    ]);
  }
  const published = await repo.read(c.db, id, 'published');
  if (isBuiltIn(published))
    throw igaError(403, `Workflow ${id} is built in and can't be modified; duplicate it under a new id`);
  const updated = await repo.updateDraft(c.db, def, nowOf(c));
  if (updated) return { body: updated };
  if (published) throw igaError(409, 'Workflow must be in draft to update');
  throw notFound(id);
}

export const readOne = (status: repo.Status) => async (c: RequestContext) => {
  const d = await repo.read(c.db, c.params.id!, status);
  if (!d) throw notFound(c.params.id!);
  return { body: d };
};

export async function deleteDraft(c: RequestContext) {
  const id = c.params.id!;
  if (!(await repo.deleteRow(c.db, id, 'draft'))) throw notFound(id);
  return { body: { message: `Definition with id:${id} deleted successfully` } };
}

/** Deletes the published definition unless requests run it or request types are bound to it. */
export async function forceDelete(c: RequestContext) {
  const id = c.params.id!;
  return c.db.transaction(async (tx) => {
    const published = await repo.lockPublished(tx, id);
    if (!published) throw notFound(id);
    if (isBuiltIn(published)) throw igaError(403, `Workflow ${id} is built in and can't be deleted`);
    const use = await repo.usage(tx, id);
    if (use.requests > 0)
      throw igaError(409, `Workflow ${id} can't be deleted: ${use.requests} in-progress requests run it`);
    if (use.requestTypes.length > 0) {
      throw igaError(
        409,
        `Workflow ${id} can't be deleted: request types ${use.requestTypes.join(', ')} are bound to it`,
      );
    }
    await repo.deleteRow(tx, id, 'published');
    return { body: published };
  });
}

/** `DELETE /iga/governance/workflow/{id}/published`: only with force=true. */
export async function governanceDelete(c: RequestContext) {
  if (c.query.force === true) return forceDelete(c);
  const id = c.params.id!;
  const published = await repo.read(c.db, id, 'published');
  if (!published) throw notFound(id);
  if (isBuiltIn(published)) throw igaError(403, `Workflow ${id} is built in and can't be deleted`);
  throw igaError(409, "Workflow must be in draft to delete: published definitions can't be deleted without force=true");
}

/** `POST …/scripts?_action=validate`: whether a script (or an expression) parses. */
export function validateScript(c: RequestContext) {
  const { script, isExpression } = c.body as { script: string; isExpression?: boolean };
  const err = isExpression ? expressionError(script) : scriptError(script);
  return { body: { valid: !err, errors: err ? [err] : [] } };
}
