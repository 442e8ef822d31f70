/**
 * IGA's outbox: the emails workflows would send, recorded instead of sent. An email step (email.ts) and any script
 * calling `openidm.action('external/email', 'send', {to, cc, bcc, subject, body, templateName, object})` — IDM's email
 * endpoint — write one record in the command's transaction; `GET /iga/governance/outbox` reads them.
 *
 * wfkit: Ping sends these through its email service and offers no outbox; the record's shape is wfkit's.
 */
import type { Queryable } from '../../store/db.js';
import { OpenidmError, type OpenidmProvider, type OpenidmRequest } from '../idm/openidm/router.js';

export interface OutboxMessage {
  _id: string;
  requestId: string | null;
  instanceId: string | null;
  step: string | null;
  templateName: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string | null;
  body: string | null;
  object: Record<string, unknown>;
  createdDate: string;
}

interface Row {
  id: string;
  body: Omit<OutboxMessage, '_id' | 'createdDate'> | string;
  created_at: Date | string;
}

const toMessage = (r: Row): OutboxMessage => ({
  _id: r.id,
  ...(typeof r.body === 'string' ? JSON.parse(r.body) : r.body),
  createdDate: new Date(r.created_at).toISOString(),
});

export async function listOutbox(q: Queryable): Promise<OutboxMessage[]> {
  const { rows } = await q.query<Row>('SELECT id, body, created_at FROM iga_outbox ORDER BY created_at, id');
  return rows.map(toMessage);
}

async function insert(q: Queryable, m: OutboxMessage): Promise<void> {
  const { _id, createdDate, ...body } = m;
  await q.query(
    `INSERT INTO iga_outbox (id, request_id, instance_id, step, template_name, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [_id, m.requestId, m.instanceId, m.step, m.templateName, JSON.stringify(body), createdDate],
  );
}

/** Addresses as a list: a string (comma separated, as IDM takes them), a list, or nothing. */
function addresses(v: unknown, field: string): string[] {
  if (v === undefined || v === null || v === '') return [];
  const list = Array.isArray(v) ? v : String(v).split(',');
  const out = list.map((x) => String(x ?? '').trim()).filter(Boolean);
  for (const a of out)
    if (!/^[^\s@]+@[^\s@]+$/.test(a)) throw new OpenidmError(400, `${field}: '${a}' is not an email address`);
  return out;
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** `external/email` for the `openidm` script object: `send` records the message in the outbox. */
export function outboxProvider(deps: {
  newId: () => string;
  now: () => Date;
  /** The run's process instance (the host knows it; scripts need not say). */
  instanceId: () => string | null;
}): OpenidmProvider {
  return {
    async handle(q: Queryable, req: OpenidmRequest) {
      const action = String(req.params._action ?? req.action ?? '');
      if (req.path !== '' || req.method !== 'action' || action !== 'send')
        throw new OpenidmError(400, "external/email takes action 'send'");
      const c = (req.content ?? {}) as Record<string, unknown>;
      const to = addresses(c.to, 'to');
      if (to.length === 0) throw new OpenidmError(400, 'An email needs at least one address in to');
      const object = c.object && typeof c.object === 'object' && !Array.isArray(c.object) ? c.object : {};
      const m: OutboxMessage = {
        _id: deps.newId(),
        requestId: text(c.requestId),
        instanceId: deps.instanceId(),
        step: text(c.step),
        templateName: text(c.templateName),
        to,
        cc: addresses(c.cc, 'cc'),
        bcc: addresses(c.bcc, 'bcc'),
        subject: text(c.subject),
        body: text(c.body),
        object: object as Record<string, unknown>,
        createdDate: deps.now().toISOString(),
      };
      await insert(q, m);
      return { _id: m._id, status: 'recorded' };
    },
  };
}
