/**
 * IGA access requests (specs/iga.yaml, tag Requests) on the shared runtime: the routes. Creating requests is
 * request-create.ts, reading and searching them request-search.ts, acting on them request-actions.ts; a request
 * follows its instance through request-sync.ts; its SQL is in repository.ts.
 */

import type { ApiRouter } from '../../http/api-module.js';
import { actOnRequest } from './request-actions.js';
import { type CreateBody, createRequests, type PublishBody, problems, publishRequest } from './request-create.js';
import { ofUser, query, readOne, search, tasksOf } from './request-search.js';

export function registerRequestRoutes(router: ApiRouter): void {
  router.operation('requestsAction', async (c) => {
    const body = c.body as CreateBody;
    if (c.query._action !== 'create') return { body: { errors: await problems(c.db, body) } };
    const created = await c.db.transaction((tx) => createRequests(tx, c, body));
    return { status: 201, body: { result: created, resultCount: created.length } };
  });
  router.operation('requestAction', async (c) => {
    const action = c.query._action as string;
    if (action === 'publish') {
      // The path's segment names the request type here (`/requests/{requestTypeId}?_action=publish`).
      const body = (c.body ?? {}) as PublishBody;
      return { status: 201, body: await c.db.transaction((tx) => publishRequest(tx, c, c.params.requestId!, body)) };
    }
    return { body: await c.db.transaction((tx) => actOnRequest(tx, c, c.params.requestId!, action)) };
  });
  router.operation('readRequest', async (c) => ({ body: await readOne(c, c.params.requestId!) }));
  router.operation('queryRequests', async (c) => ({ body: await query(c) }));
  router.operation('searchRequests', async (c) => ({ body: await search(c, () => true) }));
  router.operation('searchUserRequests', async (c) => ({ body: await search(c, ofUser(c.params.userId!)) }));
  router.operation('searchUserTasks', async (c) => ({ body: await search(c, tasksOf(c.params.userId!)) }));
}
