/**
 * `repo/<collection>/<id>` for the `openidm` script object: IDM's generic repository of JSON documents (what
 * PingIDM's sample workflows write UI notifications to). Create, read, update, patch, delete, query (`_queryFilter`,
 * `query-all-ids`); revisions as for managed objects.
 */
import type { Clock } from '../../../runtime/clock.js';
import type { IdGenerator } from '../../../runtime/ids.js';
import type { Queryable } from '../../../store/db.js';
import { parseQueryRequest, queryEnvelope, queryInSql } from '../crest/query.js';
import { SqlParams } from '../crest/sql.js';
import { applyPatch, type PatchOperation } from '../managed/patch.js';
import * as repo from '../repository/repo.js';
import { OpenidmError, type OpenidmProvider, type OpenidmRequest } from './router.js';

const present = (row: repo.RepoRow) => ({ _id: row.id, _rev: String(row.rev), ...row.body });

function split(path: string): { collection: string; id: string } {
  const i = path.lastIndexOf('/');
  if (i <= 0) throw new OpenidmError(400, `'repo/${path}' names no document (repo/<collection>/<id>)`);
  return { collection: path.slice(0, i), id: path.slice(i + 1) };
}

function bodyOf(content: unknown): Record<string, unknown> {
  if (!content || typeof content !== 'object' || Array.isArray(content))
    throw new OpenidmError(400, 'A repository document must be a JSON object');
  const { _id, _rev, ...body } = content as Record<string, unknown>;
  return body;
}

export function repoProvider(ids: IdGenerator, clock: Clock): OpenidmProvider {
  const load = async (q: Queryable, path: string) => {
    const { collection, id } = split(path);
    const row = await repo.getDocument(q, collection, id);
    if (!row) throw new OpenidmError(404, `Object repo/${path} not found`);
    return row;
  };
  return {
    async handle(q: Queryable, req: OpenidmRequest) {
      switch (req.method) {
        case 'create': {
          if (!req.path) throw new OpenidmError(400, 'repo/ needs a collection');
          const id = req.newResourceId ?? ids.uuid();
          if (
            !(await repo.insertDocument(q, { collection: req.path, id, body: bodyOf(req.content), now: clock.now() }))
          )
            throw new OpenidmError(412, `The resource with id '${id}' already exists.`);
          return present((await repo.getDocument(q, req.path, id))!);
        }
        case 'read': {
          const { collection, id } = split(req.path);
          const row = await repo.getDocument(q, collection, id);
          return row ? present(row) : null;
        }
        case 'update':
        case 'patch': {
          const row = await load(q, req.path);
          const body =
            req.method === 'update'
              ? bodyOf(req.content)
              : bodyOf(applyPatch(row.body, req.content as PatchOperation[]));
          if (!(await repo.replaceDocument(q, { collection: row.collection, id: row.id, body, rev: req.rev ?? null })))
            throw new OpenidmError(412, `Resource version does not match the requested version '${req.rev}'.`);
          return present((await repo.getDocument(q, row.collection, row.id))!);
        }
        case 'delete': {
          const row = await load(q, req.path);
          await repo.deleteDocument(q, row.collection, row.id);
          return present(row);
        }
        case 'query': {
          const rawQuery = new URLSearchParams();
          for (const [k, v] of Object.entries(req.params))
            if (k.startsWith('_') && v != null) rawQuery.set(k, String(v));
          const request = parseQueryRequest(
            { rawQuery, operation: { operation: {} } } as unknown as Parameters<typeof parseQueryRequest>[0],
            { queryIds: ['query-all-ids'] },
          );
          const fields = new Set<string>();
          const collect = (n: unknown) => {
            const node = n as { type?: string; field?: string[]; children?: unknown[]; child?: unknown };
            if (node.field) fields.add(node.field[0]!);
            for (const c of node.children ?? []) collect(c);
            if (node.child) collect(node.child);
          };
          collect(request.filter);
          for (const k of request.sortKeys) fields.add(k.field);
          const r = await queryInSql<repo.RepoRow>(q, request, {
            select: repo.REPO_SELECT,
            from: repo.REPO_FROM,
            columns: repo.repoColumns(fields),
            where: ['r.collection = $1'],
            params: new SqlParams([req.path]),
            tieBreaker: 'r.id',
          });
          return queryEnvelope(r.rows.map(present), request.paging, r);
        }
        case 'action':
          throw new OpenidmError(400, `Unknown action '${req.action}'.`);
      }
    },
  };
}
