/** FLOW: definitions with their versions (draft vs published) and task graph; executions with per-task status. */
import { useState } from 'preact/hooks';
import { StepGraph } from '../components/StepGraph.js';
import { ActionStatus, Empty, ErrorBox, Json, Loading, useAction, when } from '../components/ui.js';
import { layoutTasks, type TaskLike } from '../logic/task-graph.js';
import { usePoll } from '../poll.js';
import { href, navigate } from '../router.js';
import type { Clients } from '../session.js';

const STATUS_TONE: Record<string, string> = {
  COMPLETED: '#dafbe1',
  RUNNING: '#ddf4ff',
  WAITING: '#fff8c5',
  FAILED: '#ffebe9',
  SKIPPED: '#eaeef2',
  CANCELLED: '#eaeef2',
};

function TaskGraph({ tasks, label, status }: { tasks: TaskLike[]; label: string; status?: Record<string, string> }) {
  const nodes = layoutTasks(tasks).map((n) => ({
    ...n,
    label: status?.[n.id] ? `${n.label} · ${status[n.id]}` : n.label,
    ...(status?.[n.id] && STATUS_TONE[status[n.id]!] ? { tone: STATUS_TONE[status[n.id]!] } : {}),
  }));
  const edges = tasks.flatMap((t) => (t.dependsOn ?? []).map((d) => ({ from: d, to: t.id })));
  return <StepGraph nodes={nodes} edges={edges} label={label} />;
}

export function FlowPage({ clients }: { clients: Clients }) {
  const { flow } = clients;
  const defs = usePoll(() => flow.definitions.list().toArray({ limit: 200 }), []);
  const execs = usePoll(() => flow.executions.list().toArray({ limit: 50 }), []);
  return (
    <>
      <h1>FLOW</h1>
      <section aria-labelledby="fdefs-h">
        <h2 id="fdefs-h">Workflow definitions</h2>
        <ErrorBox error={defs.error} label="Definitions" />
        {defs.loading && !defs.data ? (
          <Loading what="definitions" />
        ) : (
          defs.data?.length === 0 && <Empty>No FLOW definition yet.</Empty>
        )}
        {defs.data && defs.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Definition</th>
                  <th scope="col">Published versions</th>
                  <th scope="col">Draft</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {defs.data.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <a href={href(`/flow/definitions/${encodeURIComponent(d.id)}`)}>{d.name}</a>{' '}
                      <span class="muted">{d.id}</span>
                    </td>
                    <td>{d.versions.length ? d.versions.join(', ') : 'none'}</td>
                    <td>{d.hasDraft ? 'yes' : 'no'}</td>
                    <td>
                      {when(d.updatedAt)} by {d.updatedBy}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="fexec-h">
        <h2 id="fexec-h">Recent executions</h2>
        <ErrorBox error={execs.error} label="Executions" />
        {execs.data?.length === 0 && <Empty>No execution yet. Execute a published definition from its page.</Empty>}
        {execs.data && execs.data.length > 0 && <ExecutionTable executions={execs.data} />}
      </section>
    </>
  );
}

function ExecutionTable({
  executions,
}: {
  executions: {
    workflowExecutionId: string;
    workflowDefinitionId: string;
    version: number;
    workflowExecutionState: string;
    startedAt: string;
    endedAt: string | null;
    steps: { passed: string[]; failed: string[]; incomplete: string[] };
  }[];
}) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Execution</th>
            <th scope="col">Definition</th>
            <th scope="col">State</th>
            <th scope="col">Tasks passed / failed / open</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
          </tr>
        </thead>
        <tbody>
          {executions.map((e) => (
            <tr key={e.workflowExecutionId}>
              <td>
                <a href={href(`/flow/executions/${e.workflowExecutionId}`)}>{e.workflowExecutionId}</a>
              </td>
              <td>
                {e.workflowDefinitionId} v{e.version}
              </td>
              <td>{e.workflowExecutionState}</td>
              <td>
                {e.steps.passed.length} / {e.steps.failed.length} / {e.steps.incomplete.length}
              </td>
              <td>{when(e.startedAt)}</td>
              <td>{when(e.endedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FlowDefinitionPage({ clients, id }: { clients: Clients; id: string }) {
  const { flow } = clients;
  const [selected, setSelected] = useState<string>('latest');
  const versions = usePoll(async () => {
    const list = await flow.definitions.listVersions(id).toArray({ limit: 200 });
    return list;
  }, [id]);
  const shown = usePoll(async () => {
    if (selected === 'draft') return (await flow.definitions.getDraft(id)).workflowDefinition;
    if (selected === 'latest') return (await flow.definitions.get(id)).workflowDefinition;
    return (await flow.definitions.getVersion(id, Number(selected))).workflowDefinition;
  }, [id, selected]);
  const executions = usePoll(
    () => flow.executions.list({ workflowDefinitionId: id } as never).toArray({ limit: 50 }),
    [id],
  );
  const run = useAction();
  const d = shown.data;
  return (
    <>
      <p class="crumbs">
        <a href={href('/flow')}>FLOW</a> ›
      </p>
      <h1>{d?.name ?? id}</h1>
      <div class="row">
        <div class="field">
          <label for="flow-version">Version</label>
          <select id="flow-version" value={selected} onChange={(e) => setSelected(e.currentTarget.value)}>
            <option value="latest">Latest published</option>
            <option value="draft">Draft</option>
            {versions.data
              ?.filter((v) => !v.isDraft)
              .map((v) => (
                <option key={v.versionId} value={String(v.version)}>
                  Version {v.version} ({when(v.updatedAt)})
                </option>
              ))}
          </select>
        </div>
        <button
          type="button"
          class="primary"
          disabled={run.busy}
          onClick={() =>
            void run.run(async () => {
              const r = await flow.definitions.execute(id, {});
              const execId = (r as { workflowExecution?: { workflowExecutionId: string } }).workflowExecution
                ?.workflowExecutionId;
              if (execId) navigate(`/flow/executions/${execId}`);
              return 'Executed.';
            })
          }
        >
          Execute latest published
        </button>
      </div>
      <ActionStatus action={run} />
      <ErrorBox error={shown.error} label={selected === 'draft' ? 'Draft' : 'Version'} />
      {d && (
        <>
          <p class="muted">
            {d.isDraft ? 'Draft' : `Published version ${d.version}`} · {d.tasks?.length ?? 0} tasks · updated{' '}
            {when(d.updatedAt)} by {d.updatedBy}
          </p>
          <TaskGraph tasks={(d.tasks ?? []) as TaskLike[]} label={`Task graph of ${d.name}`} />
          <details>
            <summary>Definition JSON</summary>
            <Json value={d} />
          </details>
        </>
      )}
      <h2>Executions</h2>
      <ErrorBox error={executions.error} />
      {executions.data?.length === 0 && <p class="muted">None.</p>}
      {executions.data && executions.data.length > 0 && <ExecutionTable executions={executions.data} />}
    </>
  );
}

export function FlowExecutionPage({ clients, id }: { clients: Clients; id: string }) {
  const { flow } = clients;
  const data = usePoll(async () => {
    const e = (await flow.executions.get(id)).workflowExecution;
    const def = await flow.definitions.getVersion(e.workflowDefinitionId, e.version).catch(() => undefined);
    return { e, tasks: (def?.workflowDefinition.tasks ?? []) as TaskLike[] };
  }, [id]);
  if (!data.data)
    return data.error ? <ErrorBox error={data.error} label={`Execution ${id}`} /> : <Loading what="the execution" />;
  const { e, tasks } = data.data;
  const status = Object.fromEntries(e.tasks.map((t) => [t.taskId, t.status]));
  return (
    <>
      <p class="crumbs">
        <a href={href('/flow')}>FLOW</a> ›{' '}
        <a href={href(`/flow/definitions/${encodeURIComponent(e.workflowDefinitionId)}`)}>{e.workflowDefinitionId}</a> ›
      </p>
      <h1>
        Execution {e.workflowExecutionId} <span class="status">{e.workflowExecutionState}</span>
      </h1>
      <p class="muted">
        Version {e.version} · started {when(e.startedAt)} · ended {when(e.endedAt)}
      </p>
      {e.failure && <p class="error">{(e.failure as { message?: string }).message ?? JSON.stringify(e.failure)}</p>}
      {tasks.length > 0 && (
        <TaskGraph tasks={tasks} status={status} label={`Task status of execution ${e.workflowExecutionId}`} />
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Started</th>
              <th scope="col">Took</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {e.tasks.map((t) => (
              <tr key={t.taskId}>
                <td>{t.taskId}</td>
                <td>{t.type}</td>
                <td>{t.status}</td>
                <td>{t.attempts}</td>
                <td>{when(t.startedAt)}</td>
                <td>
                  {t.startedAt && t.endedAt
                    ? `${new Date(t.endedAt).getTime() - new Date(t.startedAt).getTime()} ms`
                    : '—'}
                </td>
                <td>
                  {t.error ? (t.error as { message: string }).message : '—'}
                  {t.errorIgnored ? ' (ignored)' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details>
        <summary>State</summary>
        <Json value={e.state} />
      </details>
    </>
  );
}
