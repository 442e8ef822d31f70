/** The IDM task inbox: my tasks, tasks I may claim, unassigned tasks; and one task's form, claim and update. */
import { useMemo, useState } from 'preact/hooks';
import { PropertyForm } from '../components/StartForm.js';
import { ActionStatus, Empty, ErrorBox, Loading, useAction, when } from '../components/ui.js';
import { type FormPropertyDefinition, taskValues, toFields } from '../logic/form-fields.js';
import { usePoll } from '../poll.js';
import { href } from '../router.js';
import type { Clients, Credentials } from '../session.js';

type Tab = 'mine' | 'claimable' | 'unassigned';
const TABS: { id: Tab; label: string }[] = [
  { id: 'mine', label: 'My tasks' },
  { id: 'claimable', label: 'I may claim' },
  { id: 'unassigned', label: 'Unassigned' },
];

export function InboxPage({ clients, credentials }: { clients: Clients; credentials: Credentials }) {
  const { idm } = clients;
  const me = credentials.idm.username;
  const [tab, setTab] = useState<Tab>(() => (new URLSearchParams(location.search).get('tab') as Tab) || 'mine');
  const tasks = usePoll(() => {
    const q =
      tab === 'mine'
        ? { assignee: me }
        : tab === 'claimable'
          ? { taskCandidateUser: me }
          : { unassigned: true as const };
    return idm.tasks.list({ _queryId: 'filtered-query', ...q } as never).toArray({ limit: 500 });
  }, [tab]);
  const claim = useAction(() => tasks.reload());
  const choose = (t: Tab) => {
    setTab(t);
    history.replaceState(null, '', `?tab=${t}`);
  };
  return (
    <>
      <h1>Task inbox</h1>
      <div role="tablist" aria-label="Which tasks" class="tabs">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="task-panel"
            onClick={() => choose(t.id)}
            onKeyDown={(e) => {
              const i = TABS.findIndex((x) => x.id === tab);
              const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : undefined;
              if (next === undefined) return;
              const n = TABS[(next + TABS.length) % TABS.length]!;
              choose(n.id);
              document.getElementById(`tab-${n.id}`)?.focus();
            }}
            tabIndex={tab === t.id ? 0 : -1}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="task-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        <ErrorBox error={tasks.error} label="Tasks" />
        <ActionStatus action={claim} />
        {tasks.loading && !tasks.data ? (
          <Loading what="tasks" />
        ) : tasks.data?.length === 0 ? (
          <Empty>
            {tab === 'mine' ? (
              <>
                <p>No task is assigned to you ({me}).</p>
                <p>
                  Claim one under{' '}
                  <button type="button" class="link" onClick={() => choose('claimable')}>
                    I may claim
                  </button>{' '}
                  or{' '}
                  <button type="button" class="link" onClick={() => choose('unassigned')}>
                    Unassigned
                  </button>
                  , or start a process from <a href={href('/idm/processes')}>Processes</a>: its user tasks appear here.
                </p>
              </>
            ) : tab === 'claimable' ? (
              <p>No task names you ({me}) as a candidate. Tasks offered to your groups appear here.</p>
            ) : (
              <p>
                Every open task has an assignee. Start a process from <a href={href('/idm/processes')}>Processes</a> to
                create tasks.
              </p>
            )}
          </Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Process instance</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Due</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tasks.data?.map((t) => (
                  <tr key={t._id}>
                    <td>
                      <a href={href(`/idm/tasks/${encodeURIComponent(t._id)}`)}>{t.name || t._id}</a>
                    </td>
                    <td>
                      {t.processInstanceId ? (
                        <a href={href(`/idm/instances/${encodeURIComponent(t.processInstanceId)}`)}>
                          {t.processInstanceId}
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{t.assignee ?? 'unassigned'}</td>
                    <td>{t.priority}</td>
                    <td>{when(t.dueDate)}</td>
                    <td>{when(t.createTime)}</td>
                    <td>
                      {t.assignee !== me && (
                        <button
                          type="button"
                          disabled={claim.busy || (Boolean(t.assignee) && t.assignee !== me)}
                          onClick={() =>
                            void claim.run(async () => (await idm.tasks.claim(t._id, me), `Claimed “${t.name}”.`))
                          }
                        >
                          Claim<span class="sr-only"> {t.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}

export function TaskPage({ clients, credentials, id }: { clients: Clients; credentials: Credentials; id: string }) {
  const { idm } = clients;
  const me = credentials.idm.username;
  const [done, setDone] = useState<string | undefined>(undefined);
  const data = usePoll(async () => {
    if (done) return undefined;
    const task = await idm.tasks.get(id);
    const def =
      task.processDefinitionId && task.taskDefinitionKey
        ? await idm.taskDefinitions.get(task.processDefinitionId, task.taskDefinitionKey)
        : undefined;
    return { task, defs: (def?.formProperties?.formPropertyHandlers ?? []) as FormPropertyDefinition[] };
  }, [id, done]);
  const act = useAction(() => data.reload());
  const fields = useMemo(
    () =>
      data.data ? toFields(data.data.defs, taskValues(data.data.task.formProperties as Record<string, unknown>[])) : [],
    [data.data?.task._id, data.data?.task._rev],
  );
  if (done)
    return (
      <>
        <h1>Task completed</h1>
        <p class="ok" role="status">
          {done}
        </p>
        <p>
          <a href={href('/idm/tasks')}>Back to the inbox</a>
        </p>
      </>
    );
  if (!data.data)
    return data.error ? <ErrorBox error={data.error} label={`Task ${id}`} /> : <Loading what="the task" />;
  const t = data.data.task;
  const mine = t.assignee === me;
  return (
    <>
      <p class="crumbs">
        <a href={href('/idm/tasks')}>Task inbox</a> ›
      </p>
      <h1>{t.name || t._id}</h1>
      <p class="muted">
        {t.description} · assignee <strong>{t.assignee ?? 'nobody'}</strong> · created {when(t.createTime)}
        {t.processInstanceId && (
          <>
            {' '}
            ·{' '}
            <a href={href(`/idm/instances/${encodeURIComponent(t.processInstanceId)}`)}>
              process instance {t.processInstanceId}
            </a>
          </>
        )}
      </p>
      {t.candidates && (t.candidates.candidateUsers.length > 0 || t.candidates.candidateGroups.length > 0) && (
        <p class="muted">
          Candidates:{' '}
          {[...t.candidates.candidateUsers, ...t.candidates.candidateGroups.map((g) => `group ${g}`)].join(', ')}
        </p>
      )}
      <ActionStatus action={act} />
      <div class="columns">
        <section aria-labelledby="form-h" class="card">
          <h2 id="form-h">Complete</h2>
          {!mine && (
            <p>
              Claim the task to work on it.{' '}
              <button
                type="button"
                class="primary"
                disabled={act.busy || (Boolean(t.assignee) && !mine)}
                onClick={() => void act.run(async () => (await idm.tasks.claim(t._id, me), 'Claimed.'))}
              >
                Claim
              </button>
            </p>
          )}
          {mine && (
            <PropertyForm
              key={`${t._id}:${t._rev}`}
              idPrefix="task"
              fields={fields}
              submitLabel="Complete"
              busy={act.busy}
              onSubmit={(body) =>
                void act.run(async () => {
                  await idm.tasks.complete(t._id, body);
                  setDone(`“${t.name}” is completed.`);
                })
              }
            />
          )}
        </section>
        <UpdateTask clients={clients} task={t} onSaved={() => data.reload()} />
      </div>
    </>
  );
}

function UpdateTask({
  clients,
  task,
  onSaved,
}: {
  clients: Clients;
  task: { _id: string; assignee?: string | null; dueDate?: string | null; priority?: number };
  onSaved: () => unknown;
}) {
  const [assignee, setAssignee] = useState(task.assignee ?? '');
  const [due, setDue] = useState(task.dueDate ? task.dueDate.slice(0, 16) : '');
  const [priority, setPriority] = useState(String(task.priority ?? 50));
  const save = useAction(onSaved);
  return (
    <section aria-labelledby="upd-h" class="card">
      <h2 id="upd-h">Update</h2>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run(async () => {
            if (!/^-?\d+$/.test(priority.trim())) throw new Error('Priority must be a whole number');
            await clients.idm.tasks.update(task._id, {
              assignee: assignee.trim() || null,
              dueDate: due ? new Date(due).toISOString() : null,
              priority: Number(priority),
            });
            return 'Saved.';
          });
        }}
      >
        <div class="field">
          <label for="upd-assignee">Assignee</label>
          <input
            id="upd-assignee"
            value={assignee}
            onInput={(e) => setAssignee(e.currentTarget.value)}
            placeholder="nobody"
          />
        </div>
        <div class="field">
          <label for="upd-due">Due</label>
          <input id="upd-due" type="datetime-local" value={due} onInput={(e) => setDue(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="upd-priority">Priority</label>
          <input id="upd-priority" type="number" value={priority} onInput={(e) => setPriority(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={save.busy}>
          Save
        </button>
        <ActionStatus action={save} />
      </form>
    </section>
  );
}
