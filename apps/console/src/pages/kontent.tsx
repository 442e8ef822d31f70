/**
 * Kontent: each workflow drawn as its step graph, its variants as cards in their step's column, moved only through
 * the moves the workflow allows (each one API call); and the workflow's JSON editable, with the API's validation
 * messages shown as they come.
 */
import { useMemo, useState } from 'preact/hooks';
import { StepGraph } from '../components/StepGraph.js';
import { ActionStatus, Empty, ErrorBox, Loading, useAction, when } from '../components/ui.js';
import { allowedMoves, layoutWorkflow, type Move, type WorkflowLike } from '../logic/kontent-board.js';
import { usePoll } from '../poll.js';
import { href } from '../router.js';
import type { Clients } from '../session.js';

const TONE: Record<string, string> = { published: '#dafbe1', scheduled: '#fff8c5', archived: '#eaeef2' };

interface Card {
  itemId: string;
  itemName: string;
  codename: string;
  languageId: string;
  languageName: string;
  workflowId: string;
  stepId: string;
  lastModified: string;
  scheduled?: string | null | undefined;
}

export function KontentPage({ clients, workflowId }: { clients: Clients; workflowId?: string }) {
  const { kontent } = clients;
  const data = usePoll(async () => {
    const [workflows, items, languages, types, roles, collections] = await Promise.all([
      kontent.workflows.list(),
      kontent.items.list().toArray({ limit: 100 }),
      kontent.languages.list().toArray({ limit: 20 }),
      kontent.types.list().toArray({ limit: 200 }),
      kontent.roles.list(),
      kontent.collections.list(),
    ]);
    const names: Record<string, string> = {};
    for (const t of types) names[t.id] = t.name;
    for (const r of (roles as { roles?: { id: string; name: string }[] }).roles ?? []) names[r.id] = r.name;
    for (const c of (collections as { collections?: { id: string; name: string }[] }).collections ?? [])
      names[c.id] = c.name;
    const active = languages.filter((l) => l.is_active !== false);
    const cards: Card[] = [];
    // One read per item and language: the API has no variant listing across items.
    await Promise.all(
      items.flatMap((item) =>
        active.map(async (lang) => {
          try {
            const v = await kontent.variants.get(item.id, lang.id);
            cards.push({
              itemId: item.id,
              itemName: item.name,
              codename: item.codename,
              languageId: lang.id,
              languageName: lang.name,
              workflowId: v.workflow.workflow_identifier.id,
              stepId: v.workflow.step_identifier.id,
              lastModified: v.last_modified,
              scheduled: (v.schedule as { publish_time?: string | null } | undefined)?.publish_time,
            });
          } catch (e) {
            if (!kontent.isError(e, 404)) throw e;
          }
        }),
      ),
    );
    cards.sort((a, b) => a.itemName.localeCompare(b.itemName));
    return { workflows: workflows as unknown as WorkflowLike[], cards, names };
  }, []);
  if (!data.data)
    return data.error ? <ErrorBox error={data.error} label="Kontent" /> : <Loading what="Kontent workflows" />;
  const { workflows, cards, names } = data.data;
  const shown = workflowId ? workflows.filter((w) => w.id === workflowId) : workflows;
  return (
    <>
      <h1>Kontent board</h1>
      <ErrorBox error={data.error} />
      <nav aria-label="Workflows" class="row">
        <a href={href('/kontent')} aria-current={!workflowId ? 'page' : undefined}>
          All workflows
        </a>
        {workflows.map((w) => (
          <a
            key={w.id}
            href={href(`/kontent/workflows/${w.id}`)}
            aria-current={w.id === workflowId ? 'page' : undefined}
          >
            {w.name}
          </a>
        ))}
      </nav>
      {shown.length === 0 && <Empty>No such workflow.</Empty>}
      {shown.map((w) => (
        <WorkflowBoard
          key={w.id}
          clients={clients}
          workflow={w}
          cards={cards.filter((c) => c.workflowId === w.id)}
          onChanged={() => data.reload()}
          editable={Boolean(workflowId)}
          names={names}
        />
      ))}
    </>
  );
}

function WorkflowBoard({
  clients,
  workflow: w,
  cards,
  onChanged,
  editable,
  names,
}: {
  clients: Clients;
  workflow: WorkflowLike;
  cards: Card[];
  onChanged: () => unknown;
  editable: boolean;
  names: Record<string, string>;
}) {
  const name = (id: string) => names[id] ?? id;
  const scopes = (w as { scopes?: { content_types: { id: string }[]; collections: { id: string }[] }[] }).scopes ?? [];
  const rolesOf = (stepId: string) => {
    const step = w.steps.find((s) => s.id === stepId);
    if (step) return step.role_ids ?? [];
    return [];
  };
  const board = useMemo(() => layoutWorkflow(w), [w]);
  const act = useAction(onChanged);
  const move = (c: Card, m: Move) =>
    act.run(async () => {
      const { kontent } = clients;
      const a = m.action;
      switch (a.kind) {
        case 'change-step':
          await kontent.variants.changeWorkflow(c.itemId, c.languageId, {
            workflow_identifier: { id: w.id },
            step_identifier: { id: a.stepId },
          });
          break;
        case 'publish':
          await kontent.variants.publish(c.itemId, c.languageId);
          break;
        case 'schedule': {
          const at = prompt('Publish at (ISO date-time, in the future)', new Date(Date.now() + 3600_000).toISOString());
          if (!at) return 'Not scheduled.';
          await kontent.variants.publish(c.itemId, c.languageId, { scheduled_to: at } as never);
          break;
        }
        case 'archive':
          await kontent.variants.unpublishAndArchive(c.itemId, c.languageId);
          break;
        case 'cancel-schedule':
          await kontent.variants.cancelScheduledPublish(c.itemId, c.languageId);
          break;
        case 'new-version':
          await kontent.variants.createNewVersion(c.itemId, c.languageId);
          break;
        case 'unpublish':
          await kontent.variants.unpublish(c.itemId, c.languageId);
          break;
      }
      return `${c.itemName} (${c.languageName}): ${m.label.toLowerCase()} — done.`;
    });
  return (
    <section aria-labelledby={`wf-${w.id}`} class="card">
      <h2 id={`wf-${w.id}`}>
        <a href={href(`/kontent/workflows/${w.id}`)}>{w.name}</a> <span class="muted">({w.codename})</span>
      </h2>
      <p class="muted">
        Scope:{' '}
        {scopes.length === 0
          ? 'everything no other workflow covers'
          : scopes
              .map((sc) =>
                [
                  sc.content_types.length ? `types ${sc.content_types.map((t) => name(t.id)).join(', ')}` : 'any type',
                  sc.collections.length
                    ? `collections ${sc.collections.map((c) => name(c.id)).join(', ')}`
                    : 'any collection',
                ].join(' in '),
              )
              .join('; ')}
      </p>
      <StepGraph
        label={`Steps of ${w.name}: ${board.columns.map((c) => c.name).join(', ')}`}
        nodes={board.columns.map((c) => ({ id: c.id, label: c.name, column: c.index, row: 0, tone: TONE[c.kind] }))}
        edges={board.edges}
      />
      <ActionStatus action={act} />
      <div class="board">
        {board.columns.map((col) => {
          const here = cards.filter((c) => c.stepId === col.id);
          return (
            <section key={col.id} class="board-col" aria-label={`Step ${col.name}`} data-step={col.codename}>
              <h3>
                <span>{col.name}</span> <span class="muted">{here.length}</span>
              </h3>
              {col.kind === 'custom' && (
                <p class="muted roles">
                  {rolesOf(col.id).length ? `Roles: ${rolesOf(col.id).map(name).join(', ')}` : 'Every role'}
                </p>
              )}
              <ul>
                {here.map((c) => {
                  const moves = allowedMoves(w, c.stepId);
                  const selectId = `move-${c.itemId}-${c.languageId}`;
                  return (
                    <li key={`${c.itemId}:${c.languageId}`} class="variant" data-item={c.codename}>
                      <strong>{c.itemName}</strong>
                      <div class="muted">
                        {c.languageName} · {when(c.lastModified)}
                        {c.scheduled ? ` · publishes ${when(c.scheduled)}` : ''}
                      </div>
                      {moves.length > 0 && (
                        <>
                          <label class="sr-only" for={selectId}>
                            Move {c.itemName}
                          </label>
                          <select
                            id={selectId}
                            disabled={act.busy}
                            value=""
                            onChange={(e) => {
                              const m = moves[Number(e.currentTarget.value)];
                              e.currentTarget.value = '';
                              if (m) void move(c, m);
                            }}
                          >
                            <option value="">Move…</option>
                            {moves.map((m, i) => (
                              <option key={m.label} value={i}>
                                {m.label}
                              </option>
                            ))}
                          </select>
                        </>
                      )}
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </div>
      {editable && <EditWorkflow clients={clients} workflow={w} onSaved={onChanged} />}
    </section>
  );
}

/** The workflow as JSON, sent back through `workflows.update`; the API's validation messages are listed as given. */
function EditWorkflow({
  clients,
  workflow,
  onSaved,
}: {
  clients: Clients;
  workflow: WorkflowLike;
  onSaved: () => unknown;
}) {
  const [text, setText] = useState(() => JSON.stringify(workflow, null, 2));
  const save = useAction(onSaved);
  return (
    <details>
      <summary>Edit this workflow</summary>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run(async () => {
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch (err) {
              throw new Error(`Not valid JSON: ${(err as Error).message}`);
            }
            await clients.kontent.workflows.update(workflow.id, body as never);
            return 'Workflow saved.';
          });
        }}
      >
        <label for={`wf-json-${workflow.id}`}>Workflow JSON (steps, transitions, roles, scopes)</label>
        <textarea
          id={`wf-json-${workflow.id}`}
          rows={18}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={save.busy}>
          Save workflow
        </button>
        <ActionStatus action={save} />
      </form>
    </details>
  );
}
