/**
 * IGA: workflow definitions (draft and published) with validate and publish; the approvals inbox of the signed-in
 * actor (or every open request) with approve, reject, reassign and comment; a request's phases on a timeline.
 */
import { useState } from 'preact/hooks';
import { ActionStatus, Empty, ErrorBox, Loading, useAction, when } from '../components/ui.js';
import { detailLines } from '../errors.js';
import { usePoll } from '../poll.js';
import { href } from '../router.js';
import type { Clients, Credentials } from '../session.js';

/** What a request is for: the application, entitlement or role, by name or id. */
function catalogLabel(r: {
  id: string;
  application?: { id?: string; name?: string };
  entitlement?: { id?: string; name?: string };
  role?: { id?: string; name?: string };
}): string {
  const c = r.application ?? r.entitlement ?? r.role;
  return c?.name ?? c?.id ?? r.id;
}

const IN_PROGRESS = {
  targetFilter: { operator: 'EQUALS', operand: { targetName: 'decision.status', targetValue: 'in-progress' } },
};

export function IgaPage({ clients, credentials }: { clients: Clients; credentials: Credentials }) {
  const { iga } = clients;
  const actor = credentials.iga.actor.trim();
  const inbox = usePoll(
    () =>
      (actor ? iga.users.searchTasks(actor, IN_PROGRESS as never) : iga.requests.search(IN_PROGRESS as never)).toArray({
        limit: 200,
      }),
    [actor],
  );
  const defs = usePoll(() => iga.definitions.list().toArray({ limit: 200 }), []);
  const act = useAction(() => defs.reload());
  const [problems, setProblems] = useState<{ id: string; lines: string[] }>();
  return (
    <>
      <h1>IGA</h1>
      <section aria-labelledby="approvals-h">
        <h2 id="approvals-h">
          Approvals inbox{' '}
          {actor ? <span class="muted">for {actor}</span> : <span class="muted">(every open request)</span>}
        </h2>
        <ErrorBox error={inbox.error} label="Requests" />
        {inbox.loading && !inbox.data ? (
          <Loading what="requests" />
        ) : inbox.data?.length === 0 ? (
          <Empty>
            Nothing waits for {actor || 'anyone'}. Requests appear here when a published workflow reaches an approval
            step with
            {actor ? ' this user' : ' an actor'} on it.
          </Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Request</th>
                  <th scope="col">Type</th>
                  <th scope="col">For</th>
                  <th scope="col">Requested by</th>
                  <th scope="col">Active phase</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {inbox.data?.map((r) => {
                  const phase = r.decision?.phases?.find((p) => p.status === 'in-progress');
                  return (
                    <tr key={r.id}>
                      <td>
                        <a href={href(`/iga/requests/${encodeURIComponent(r.id)}`)}>{catalogLabel(r)}</a>
                      </td>
                      <td>{r.requestType}</td>
                      <td>{r.user?.userName ?? r.user?.id}</td>
                      <td>{r.requester?.userName ?? r.requester?.id}</td>
                      <td>{phase?.displayName ?? phase?.name ?? '—'}</td>
                      <td>{when(r.decision?.startDate)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="igadefs-h">
        <h2 id="igadefs-h">Workflow definitions</h2>
        <ErrorBox error={defs.error} label="Definitions" />
        <ActionStatus action={act} />
        {problems && (
          <div class="error" role="alert">
            <strong>{problems.id} does not validate:</strong>
            <ul>
              {problems.lines.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          </div>
        )}
        {defs.data?.length === 0 && <Empty>No workflow definition yet.</Empty>}
        {defs.data && defs.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Id</th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Steps</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {defs.data.map((d) => (
                  <tr key={`${d.id}:${d.status}`}>
                    <td>{d.id}</td>
                    <td>{d.displayName || d.name}</td>
                    <td>
                      {d.status}
                      {d.mutable === false ? ' (built in)' : ''}
                    </td>
                    <td>{d.steps?.map((s) => s.displayName || s.name).join(' → ')}</td>
                    <td class="row">
                      {d.status === 'draft' && (
                        <>
                          <button
                            type="button"
                            disabled={act.busy}
                            onClick={() =>
                              void act.run(async () => {
                                setProblems(undefined);
                                const draft = await iga.definitions.getDraft(d.id);
                                const result = await iga.definitions.validate(draft as never);
                                if (!result.valid) {
                                  setProblems({ id: d.id, lines: detailLines(result) });
                                  return;
                                }
                                return `${d.id}: the draft is valid.`;
                              })
                            }
                          >
                            Validate<span class="sr-only"> {d.id}</span>
                          </button>
                          <button
                            type="button"
                            class="primary"
                            disabled={act.busy}
                            onClick={() =>
                              void act.run(
                                async () => (await iga.definitions.publish({ id: d.id }), `${d.id} published.`),
                              )
                            }
                          >
                            Publish<span class="sr-only"> {d.id}</span>
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

export function IgaRequestPage({ clients, id }: { clients: Clients; id: string }) {
  const { iga } = clients;
  const req = usePoll(() => iga.requests.get(id), [id]);
  const act = useAction(() => req.reload());
  const [comment, setComment] = useState('');
  const [reassignTo, setReassignTo] = useState('');
  if (!req.data)
    return req.error ? <ErrorBox error={req.error} label={`Request ${id}`} /> : <Loading what="the request" />;
  const r = req.data;
  const d = r.decision;
  const active = d.phases.filter((p) => p.status === 'in-progress');
  const phaseName = active.length === 1 ? undefined : active[0]?.name;
  const params = phaseName ? ({ phaseName } as never) : undefined;
  const open = d.status === 'in-progress';
  const withComment = comment.trim() ? { comment: comment.trim() } : {};
  return (
    <>
      <p class="crumbs">
        <a href={href('/iga')}>IGA</a> ›
      </p>
      <h1>
        {r.requestType}: {catalogLabel(r)}{' '}
        <span class={`status ${open ? 'running' : 'done'}`} data-testid="request-status">
          {d.status}
          {d.decision ? ` · ${d.decision}` : ''}
        </span>
      </h1>
      <p class="muted">
        For {r.user.userName ?? r.user.id}, requested by {r.requester.userName ?? r.requester.id} on {when(d.startDate)}
        {r.request.common?.justification ? ` — “${r.request.common.justification}”` : ''}
      </p>
      <ErrorBox error={req.error} />
      <div class="columns">
        <section aria-labelledby="phases-h">
          <h2 id="phases-h">Phases</h2>
          <ol class="timeline">
            {d.phases.map((p) => (
              <li key={p.name + p.startDate} class={p.status}>
                <strong>{p.displayName || p.name}</strong> — {p.status}
                {p.decision ? `, ${p.decision}` : ''}
                <div class="muted">
                  {when(p.startDate)}
                  {p.completionDate ? ` → ${when(p.completionDate)}` : ''}
                </div>
              </li>
            ))}
            {d.completionDate && (
              <li>
                <strong>Request {d.status}</strong> <div class="muted">{when(d.completionDate)}</div>
              </li>
            )}
          </ol>
          <h3>Actors</h3>
          <ul>
            {d.actors.active.map((a) => (
              <li key={a.id + (a.phase ?? '')}>
                {a.userName ?? a.id} {a.phase ? `on ${a.phase}` : ''}:{' '}
                {Object.entries(a.permissions)
                  .filter(([, v]) => v)
                  .map(([k]) => k)
                  .join(', ')}
              </li>
            ))}
          </ul>
          <h3>Comments</h3>
          {d.comments.length === 0 ? (
            <p class="muted">No comments.</p>
          ) : (
            <ul>
              {d.comments.map((c, i) => (
                <li key={i}>
                  <strong>{c.user.userName ?? c.user.id}</strong> ({when(c.timeStamp)}): {c.comment}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="decide-h" class="card">
          <h2 id="decide-h">Act</h2>
          <div class="form">
            <div class="field">
              <label for="iga-comment">Comment</label>
              <textarea id="iga-comment" rows={3} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
            </div>
            <div class="row">
              <button
                type="button"
                class="primary"
                disabled={!open || act.busy}
                onClick={() =>
                  void act.run(async () => (await iga.requests.approve(r.id, withComment, params), 'Approved.'))
                }
              >
                Approve
              </button>
              <button
                type="button"
                class="danger"
                disabled={!open || act.busy}
                onClick={() =>
                  void act.run(async () => (await iga.requests.reject(r.id, withComment, params), 'Rejected.'))
                }
              >
                Reject
              </button>
              <button
                type="button"
                disabled={act.busy || !comment.trim()}
                onClick={() =>
                  void act.run(
                    async () => (
                      await iga.requests.comment(r.id, { comment: comment.trim() }), setComment(''), 'Comment added.'
                    ),
                  )
                }
              >
                Comment
              </button>
            </div>
            <div class="field">
              <label for="iga-reassign">Reassign to (managed/user/… or managed/role/…)</label>
              <input id="iga-reassign" value={reassignTo} onInput={(e) => setReassignTo(e.currentTarget.value)} />
            </div>
            <button
              type="button"
              disabled={!open || act.busy || !reassignTo.trim()}
              onClick={() =>
                void act.run(async () => {
                  await iga.requests.reassign(
                    r.id,
                    {
                      updatedActors: [
                        {
                          id: [reassignTo.trim()],
                          permissions: { approve: true, reject: true, reassign: true, comment: true, modify: true },
                        },
                      ],
                      ...withComment,
                    },
                    params,
                  );
                  return `Reassigned to ${reassignTo.trim()}.`;
                })
              }
            >
              Reassign
            </button>
            <ActionStatus action={act} />
          </div>
        </section>
      </div>
    </>
  );
}
