/** Turns what a client threw into words a person can act on (never a blank page). */
import { WfkitError } from '@wfkit/idm';

interface ApiLike {
  status?: number;
  message?: string;
  errorCode?: unknown;
  details?: unknown;
  body?: unknown;
}

const STATUS_HINT: Record<number, string> = {
  400: 'The API refused the request',
  401: 'The API did not accept the credentials (sign in again)',
  403: 'These credentials may not do this',
  404: 'Not found (deleted, or owned by someone else)',
  409: 'Conflict with the current state',
  412: 'Changed by someone else meanwhile (reload and retry)',
  429: 'Too many requests; slowing down',
};

/** One line for the error, plus the API's detail lines (validation problems and the like). */
export function describeError(error: unknown): { title: string; lines: string[] } {
  if (error instanceof WfkitError || (error && typeof error === 'object' && 'status' in error)) {
    const e = error as ApiLike & Error;
    const hint = e.status
      ? (STATUS_HINT[e.status] ?? (e.status >= 500 ? 'The server failed' : `HTTP ${e.status}`))
      : '';
    const title = [hint, e.message].filter(Boolean).join(': ');
    return { title: title || String(error), lines: [...new Set([...detailLines(e.details), ...detailLines(e.body)])] };
  }
  if (error instanceof Error) {
    if (error.name === 'ConnectionError' || error.name === 'TypeError')
      return { title: `Cannot reach the server: ${error.message}`, lines: [] };
    return { title: error.message, lines: [] };
  }
  return { title: String(error), lines: [] };
}

/** Detail lines from the error shapes of the four APIs (CREST `detail`, Kontent `validation_errors`, IGA/FLOW `errors`). */
export function detailLines(details: unknown): string[] {
  if (!details || typeof details !== 'object') return [];
  const d = details as Record<string, unknown>;
  const lists = [d.problems, d.validation_errors, d.errors, d.issues, Array.isArray(details) ? details : undefined];
  const out: string[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item === 'string') out.push(item);
      else if (item && typeof item === 'object') {
        const i = item as Record<string, unknown>;
        const where = i.elementId ?? i.path ?? i.field ?? i.property ?? i.step;
        const msg = i.message ?? i.issue ?? i.description ?? JSON.stringify(item);
        out.push(where ? `${String(where)}: ${String(msg)}` : String(msg));
      }
    }
  }
  return out;
}
