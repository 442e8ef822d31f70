/** One IDM process definition: its diagram, its start form (start an instance), its instances. */
import { useMemo } from 'preact/hooks';
import { BpmnView } from '../components/BpmnView.js';
import { PropertyForm } from '../components/StartForm.js';
import { ActionStatus, ErrorBox, Loading, useAction, when } from '../components/ui.js';
import { definitionSource } from '../idm-data.js';
import { type FormPropertyDefinition, toFields } from '../logic/form-fields.js';
import { usePoll } from '../poll.js';
import { href, navigate } from '../router.js';
import type { Clients } from '../session.js';

export function DefinitionPage({ clients, id }: { clients: Clients; id: string }) {
  const { idm } = clients;
  const def = usePoll(
    async () => {
      const d = await idm.processDefinitions.get(id);
      return { def: d, source: await definitionSource(idm, d) };
    },
    [id],
    { baseMs: 30_000, maxMs: 120_000 },
  );
  const instances = usePoll(
    () => idm.processInstances.list({ _queryId: 'filtered-query', processDefinitionId: id }).toArray({ limit: 200 }),
    [id],
  );
  const start = useAction();
  const fields = useMemo(
    () => toFields((def.data?.def.formProperties ?? []) as FormPropertyDefinition[]),
    [def.data?.def._id],
  );
  if (!def.data)
    return def.error ? <ErrorBox error={def.error} label={`Definition ${id}`} /> : <Loading what="the definition" />;
  const { def: d, source } = def.data;
  return (
    <>
      <p class="crumbs">
        <a href={href('/idm/processes')}>Processes</a> ›
      </p>
      <h1>
        {d.name || d.key} <span class="muted">v{d.version}</span>
      </h1>
      <p class="muted">
        <code>{d._id}</code> {d.description}
      </p>
      {source.note && <p class="note">{source.note}</p>}
      {source.xml ? (
        <BpmnView xml={source.xml} label={`Diagram of ${d.name || d.key}`} />
      ) : source.png ? (
        <img class="diagram-png" src={`data:image/png;base64,${source.png}`} alt={`Diagram of ${d.name || d.key}`} />
      ) : null}
      <div class="columns">
        <section aria-labelledby="start-h" class="card">
          <h2 id="start-h">Start an instance</h2>
          <PropertyForm
            idPrefix="start"
            fields={fields}
            submitLabel="Start"
            busy={start.busy}
            onSubmit={(body) =>
              void start.run(async () => {
                const created = await idm.processInstances.create({ _processDefinitionId: d._id, ...body });
                navigate(`/idm/instances/${encodeURIComponent(created._id)}`);
              })
            }
          />
          <ActionStatus action={start} />
        </section>
        <section aria-labelledby="dinst-h">
          <h2 id="dinst-h">Running instances</h2>
          <ErrorBox error={instances.error} />
          {instances.data?.length === 0 && <p class="muted">None running.</p>}
          <ul>
            {instances.data?.map((i) => (
              <li key={i._id}>
                <a href={href(`/idm/instances/${encodeURIComponent(i._id)}`)}>{i._id}</a> started {when(i.startTime)}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
