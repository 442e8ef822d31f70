/** `/processinstance/history` and `/taskinstance/history`: every instance and task, running or ended. */
import type { IdmContext, IdmRouter } from '../context.js';
import { conflict, forbidden, notFound } from '../crest/errors.js';
import { parseFields, projectFields } from '../crest/fields.js';
import { parseQueryRequest, queryPage } from '../crest/query.js';
import { checkIfMatch, crestReply } from '../crest/resource.js';
import { SqlParams } from '../crest/sql.js';
import { queryInstances, readInstance } from './process-instances.js';
import {
  getInstanceRow,
  HI_TASK_COLUMNS,
  HI_TASK_FROM,
  HI_TASK_SELECT,
  toHistoricTask,
  toProcessInstance,
} from './runtime-shapes.js';
import { taskFilters } from './task-instances.js';

export function register(router: IdmRouter, idm: IdmContext): void {
  router.operation('queryProcessInstanceHistory', (ctx) => queryInstances(idm, ctx, false));
  router.operation('readProcessInstanceHistory', (ctx) => readInstance(idm, ctx, false));

  router.operation('deleteProcessInstanceHistory', async (ctx) => {
    idm.security.assertAdmin(ctx.principal);
    const id = ctx.params.id!;
    const row = await getInstanceRow(idm.db, id);
    if (!row) throw notFound();
    if (!row.end_time)
      throw conflict('The process instance is still running; delete it through processinstance first.');
    checkIfMatch(ctx.headers, undefined);
    await idm.runtime.deleteHistory(id);
    return crestReply(
      ctx,
      projectFields(toProcessInstance(row), parseFields(ctx.rawQuery.get('_fields') ?? undefined)),
    );
  });

  router.operation('queryTaskInstanceHistory', async (ctx) => {
    const q = parseQueryRequest(ctx, { queryIds: ['query-all-ids', 'filtered-query'], what: 'task instances' });
    const params = new SqlParams();
    const where = q.queryId === 'filtered-query' ? taskFilters(ctx, params, idm, true) : [];
    if (!idm.security.isAdmin(ctx.principal)) {
      const u = params.add(ctx.principal.username);
      where.push(
        `(t.assignee = ${u} OR ${u} = ANY(t.candidate_users) OR t.candidate_groups && ${params.add(ctx.principal.roles)}::text[])`,
      );
    }
    return crestReply(
      ctx,
      await queryPage(
        idm.db,
        q,
        {
          select: HI_TASK_SELECT,
          from: HI_TASK_FROM,
          columns: HI_TASK_COLUMNS,
          where,
          params,
          tieBreaker: 't.id',
        },
        toHistoricTask,
      ),
    );
  });

  router.operation('readTaskInstanceHistory', async (ctx) => {
    const { rows } = await idm.db.query<Record<string, any>>(`${HI_TASK_SELECT} WHERE t.id = $1`, [ctx.params.id!]);
    const row = rows[0];
    if (!row) throw notFound();
    if (
      !idm.security.maySeeTask(ctx.principal, {
        assignee: row.assignee,
        candidateUsers: row.candidate_users ?? [],
        candidateGroups: row.candidate_groups ?? [],
      })
    )
      throw forbidden();
    return crestReply(ctx, projectFields(toHistoricTask(row), parseFields(ctx.rawQuery.get('_fields') ?? undefined)));
  });
}
