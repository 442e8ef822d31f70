/**
 * `endpoint/{name}` for the `openidm` script object: IDM's custom scripted endpoints (`conf/endpoint-{name}.json`
 * with `"type": "text/javascript"` and its script), as the usecase sample's access request calls
 * `openidm.query('endpoint/getusermanager', {_queryId: 'getManager', userId})`. The script runs in the sandbox
 * with IDM's `request` (`method`, `resourcePath`, `additionalParameters`, `queryId`, `queryFilter`, `content`,
 * `action`) and the same `openidm` as its caller — same transaction, same caller — and its value is the answer; a
 * query's list becomes a query result (`{result, resultCount}`), as IDM wraps it.
 *
 * wfkit: endpoints are given to `createIdmApiModule({endpoints})`; only JavaScript endpoints run.
 */
import type { HostFunction } from '../../../runtime/script-sandbox.js';
import { runScript, ScriptError } from '../../../runtime/script-sandbox.js';
import type { Queryable } from '../../../store/db.js';
import { OpenidmError, type OpenidmProvider } from './router.js';

export interface IdmEndpoint {
  /** `text/javascript` (IDM's `type`). */
  type: string;
  /** The script's source (IDM's `source`, or the text of its `file`). */
  source: string;
}

export function endpointProvider(
  endpoints: Readonly<Record<string, IdmEndpoint>>,
  openidmFor: (q: Queryable, caller: string) => Record<string, HostFunction>,
): OpenidmProvider {
  for (const [name, e] of Object.entries(endpoints))
    if (e.type !== 'text/javascript')
      throw new Error(`endpoint/${name}: type '${e.type}' is not supported (text/javascript only)`);
  return {
    async handle(q, req) {
      const [name, ...rest] = req.path.split('/');
      const endpoint = name && Object.hasOwn(endpoints, name) ? endpoints[name] : undefined;
      if (!endpoint) throw new OpenidmError(404, `Resource 'endpoint/${req.path}' not found`);
      const additionalParameters = Object.fromEntries(
        Object.entries(req.params)
          .filter(([k]) => !k.startsWith('_'))
          .map(([k, v]) => [k, v == null ? v : String(v)]),
      );
      const request = {
        method: req.method,
        resourcePath: rest.join('/'),
        additionalParameters,
        queryId: req.params._queryId ?? null,
        queryFilter: req.params._queryFilter ?? null,
        content: req.content ?? null,
        action: req.action ?? null,
        fields: req.fields ?? [],
      };
      let value: unknown;
      try {
        ({ result: value } = await runScript(endpoint.source, {
          globals: { request, context: { caller: req.caller } },
          functions: openidmFor(q, req.caller),
        }));
      } catch (e) {
        if (e instanceof ScriptError) throw new OpenidmError(500, `endpoint/${name}: ${e.message}`);
        throw e;
      }
      if (req.method === 'query' && Array.isArray(value))
        return { result: value, resultCount: value.length, pagedResultsCookie: null, remainingPagedResults: -1 };
      return value ?? null;
    },
  };
}
