/** One IDM process instance: diagram with where it waits and what it did, variables, task history, delete/migrate. */
import { useState } from 'preact/hooks';
import { BpmnView } from '../components/BpmnView.js';
import { ActionStatus, ErrorBox, Loading, useAction, when } from '../components/ui.js';
import { definitionSource, instanceProgress } from '../idm-data.js';
import type { Markers } from '../logic/diagram-markers.js';
import { usePoll } from '../poll.js';
import { href, navigate } from '../router.js';
import type { Clients } from '../session.js';

export function InstancePage({ clients, id }: { clients: Clients; id: string }) {
  const { idm } = clients;
  const data = usePoll(async () => {
    let instance: Awaited<ReturnType<typeof idm.processInstances.get>>;
    try {
      instance = await idm.processInstances.get(id);
    } catch (e) {
      if (!idm.isError(e, 404)) throw e;
      // Ended instances are read from the history.
      instance = (await idm.processInstanceHistory.get(id)) as typeof instance;
    }
    const progress = await instanceProgress(idm, id, instance);
    return { instance, progress };
  }, [id]);
  const source = usePoll(
    async () => {
      const processDefinitionId = data.data?.instance.processDefinitionId;
      if (!processDefinitionId) return undefined;
      return definitionSource(idm, await idm.processDefinitions.get(processDefinitionId));
    },
    [data.data?.instance.processDefinitionId],
    { baseMs: 120_000, maxMs: 600_000 },
  );
  const [markers, setMarkers] = useState<{ m: Markers; names: Record<string, string> }>();
  const act = useAction(() => data.reload());
  if (!data.data)
    return data.error ? <ErrorBox error={data.error} label={`Instance ${id}`} /> : <Loading what="the instance" />;
  const { instance: i, progress } = data.data;
  const ended = Boolean(i.endTime);
  const variables = Object.entries(i.processVariables ?? {});
  return (
    <>
      <p class="crumbs">
        <a href={href('/idm/processes')}>Processes</a> ›{' '}
        <a href={href(`/idm/definitions/${encodeURIComponent(i.processDefinitionId ?? '')}`)}>
          {i.processDefinitionName || i.processDefinitionKey}
        </a>{' '}
        ›
      </p>
      <h1>
        Instance {i._id}{' '}
        <span class={`status ${ended ? 'done' : 'running'}`} data-testid="instance-status">
          {ended ? (i.deleteReason ? `deleted: ${i.deleteReason}` : 'ended') : 'running'}
        </span>
      </h1>
      <ErrorBox error={data.error} />
      <p class="muted">
        Started {when(i.startTime)} by {i.startUserId ?? '—'}
        {ended ? ` · ended ${when(i.endTime)}${i.endActivityId ? ` at ${i.endActivityId}` : ''}` : ''}
      </p>
      {source.data?.note && <p class="note">{source.data.note}</p>}
      <ErrorBox error={source.error} label="Diagram" />
      {source.data?.xml && (
        <BpmnView
          xml={source.data.xml}
          label={`Diagram of instance ${i._id}`}
          progress={progress}
          onMarkers={(m, names) => setMarkers({ m, names })}
        />
      )}
      {source.data?.png && (
        <img class="diagram-png" src={`data:image/png;base64,${source.data.png}`} alt="Process diagram" />
      )}
      {!ended && (
        <p data-testid="waiting-at">
          Waiting at:{' '}
          {progress.active.length
            ? progress.active.map((a) => markers?.names[a] ?? a).join(', ')
            : 'nothing (moving on)'}
        </p>
      )}
      <div class="columns">
        <section aria-labelledby="vars-h">
          <h2 id="vars-h">Variables</h2>
          {variables.length === 0 ? (
            <p class="muted">No variables.</p>
          ) : (
            <dl class="vars">
              {variables.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
        <section aria-labelledby="hist-h">
          <h2 id="hist-h">Task history</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Started</th>
                  <th scope="col">Ended</th>
                </tr>
              </thead>
              <tbody>
                {(i.tasks ?? []).map((t) => (
                  <tr key={t._id}>
                    <td>
                      {t.endTime ? t.name : <a href={href(`/idm/tasks/${encodeURIComponent(t._id)}`)}>{t.name}</a>}
                    </td>
                    <td>{t.assignee ?? '—'}</td>
                    <td>{when(t.startTime)}</td>
                    <td>{t.endTime ? when(t.endTime) : 'open'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      {!ended && (
        <section aria-labelledby="manage-h" class="card">
          <h2 id="manage-h">Manage</h2>
          <div class="row">
            <button
              type="button"
              disabled={act.busy}
              onClick={() =>
                void act.run(async () => {
                  const check = await idm.processInstances.validateMigration(i._id, {});
                  if (!check.migrationValid)
                    throw new Error(`Migration not possible: ${check.validationMessages.join('; ')}`);
                  await idm.processInstances.migrate(i._id, {});
                  return 'Migrated to the latest version of the process.';
                })
              }
            >
              Migrate to latest version
            </button>
            <button
              type="button"
              class="danger"
              disabled={act.busy}
              onClick={() =>
                void act.run(async () => {
                  if (!confirm(`Delete instance ${i._id}?`)) return 'Not deleted.';
                  await idm.processInstances.delete(i._id);
                  navigate('/idm/processes');
                })
              }
            >
              Delete instance
            </button>
          </div>
          <ActionStatus action={act} />
        </section>
      )}
    </>
  );
}
