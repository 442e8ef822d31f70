/**
 * `external/email` and `external/rest` for the `openidm` script object, and the `identityServer` script global —
 * what PingIDM's sample workflows call around their managed-object changes (the usecase samples mail their
 * notifications, contractor onboarding asks IDM's own self-service over REST to send a password-reset mail).
 *
 * wfkit: nothing leaves the engine. Each call is recorded as a document in IDM's generic repository
 * (`repo/external/email/{id}`, `repo/external/rest/{id}`), inside the script's command, so a rolled-back command
 * leaves no record and a test or an operator reads what a workflow would have sent
 * (`openidm.query('repo/external/email', {_queryFilter: 'true'})`). The answers follow IDM's where they can:
 * email answers `{status: 'OK'}`; a REST call cannot answer the remote body, so it answers its record.
 */
import type { Clock } from '../../../runtime/clock.js';
import type { IdGenerator } from '../../../runtime/ids.js';
import type { Queryable } from '../../../store/db.js';
import * as repo from '../repository/repo.js';
import { OpenidmError, type OpenidmProvider, type OpenidmRequest } from './router.js';

const object = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

async function record(q: Queryable, ids: IdGenerator, clock: Clock, collection: string, body: Record<string, unknown>) {
  const id = ids.uuid();
  const createDate = clock.now().toISOString();
  await repo.insertDocument(q, { collection, id, body: { ...body, createDate }, now: clock.now() });
  return { _id: id, ...body, createDate };
}

function onlyAction(req: OpenidmRequest, resource: string): void {
  if (req.path !== '' || req.method !== 'action')
    throw new OpenidmError(400, `${resource} takes an action (openidm.action('${resource}', …)), not ${req.method}`);
}

/**
 * `openidm.action('external/email', 'send', {from, to, cc, bcc, subject, type, body})`. As IDM's email service, any
 * action name sends (the samples say `sendEmail`); `to` is required.
 */
export function externalEmailProvider(ids: IdGenerator, clock: Clock): OpenidmProvider {
  return {
    async handle(q, req) {
      onlyAction(req, 'external/email');
      const c = object(req.content);
      if (c.to === undefined || c.to === null || c.to === '')
        throw new OpenidmError(400, 'Email needs a recipient: the to field is required');
      const fields = ['from', 'to', 'cc', 'bcc', 'subject', 'type', 'body'] as const;
      const mail = Object.fromEntries(fields.filter((f) => c[f] !== undefined).map((f) => [f, c[f]]));
      await record(q, ids, clock, 'external/email', { ...mail, action: req.action ?? null, sentBy: req.caller });
      return { status: 'OK' };
    },
  };
}

/** `openidm.action('external/rest', 'call', {url, method, headers?, contentType?, body?, …})`, as IDM checks it. */
export function externalRestProvider(ids: IdGenerator, clock: Clock): OpenidmProvider {
  return {
    async handle(q, req) {
      onlyAction(req, 'external/rest');
      if (String(req.action ?? '').toLowerCase() !== 'call')
        throw new OpenidmError(
          400,
          `Invalid action call on external/rest/${req.action} : action name not supported: ${req.action}`,
        );
      const c = object(req.content);
      for (const f of ['url', 'method'] as const)
        if (typeof c[f] !== 'string' || !c[f])
          throw new OpenidmError(400, `Invalid action call on external/rest/call : missing ${f}`);
      return record(q, ids, clock, 'external/rest', { ...c, status: 'recorded', calledBy: req.caller });
    },
  };
}

/**
 * `identityServer.getProperty(name[, default])`: IDM's boot properties with their shipped defaults (wfkit answers
 * for the engine, which has no IDM boot.properties); any other name is the given default or null.
 */
export const IDENTITY_SERVER_PROPERTIES: Readonly<Record<string, string>> = {
  'openidm.host': 'localhost',
  'openidm.port.http': '8080',
  'openidm.port.https': '8443',
  'openidm.port.mutualauth': '8444',
  'openidm.context.path': '/openidm',
};

export function identityServerHostFunctions(): Record<'identityServer.getProperty', (...a: unknown[]) => unknown> {
  return {
    'identityServer.getProperty': (name, fallback) =>
      Object.hasOwn(IDENTITY_SERVER_PROPERTIES, String(name))
        ? IDENTITY_SERVER_PROPERTIES[String(name)]
        : (fallback ?? null),
  };
}
