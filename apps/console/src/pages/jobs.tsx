/** IDM jobs: timers and async continuations (execute/delete), dead letters with their stack trace (retry/delete). */
import { useState } from 'preact/hooks';
import { ActionStatus, Empty, ErrorBox, Loading, useAction, when } from '../components/ui.js';
import { usePoll } from '../poll.js';
import { href } from '../router.js';
import type { Clients } from '../session.js';

export function JobsPage({ clients }: { clients: Clients }) {
  const { idm } = clients;
  const jobs = usePoll(() => idm.jobs.list({ _queryFilter: 'true' }).toArray({ limit: 500 }), []);
  const dead = usePoll(() => idm.deadLetterJobs.list({ _queryFilter: 'true' }).toArray({ limit: 500 }), []);
  const act = useAction(() => Promise.all([jobs.reload(), dead.reload()]));
  const [traces, setTraces] = useState<Record<string, string>>({});
  const instanceLink = (id?: string | null) =>
    id ? <a href={href(`/idm/instances/${encodeURIComponent(id)}`)}>{id}</a> : '—';
  return (
    <>
      <h1>Jobs</h1>
      <ActionStatus action={act} />
      <section aria-labelledby="dl-h">
        <h2 id="dl-h">Dead letters</h2>
        <ErrorBox error={dead.error} label="Dead-letter jobs" />
        {dead.loading && !dead.data ? (
          <Loading what="dead-letter jobs" />
        ) : dead.data?.length === 0 ? (
          <Empty>No job has failed its retries.</Empty>
        ) : (
          <ul class="cards">
            {dead.data?.map((j) => (
              <li key={j._id} class="card" data-testid="dead-letter">
                <h3>
                  {j.elementName || j.elementId || j._id} <span class="muted">({j.jobType})</span>
                </h3>
                <p>
                  <strong>{j.exceptionMessage ?? 'no message'}</strong>
                </p>
                <p class="muted">
                  Job {j._id} · instance {instanceLink(j.processInstanceId)} · created {when(j.createTime)}
                </p>
                <div class="row">
                  <button
                    type="button"
                    class="primary"
                    disabled={act.busy}
                    onClick={() =>
                      void act.run(
                        async () => (
                          await idm.deadLetterJobs.execute(j._id),
                          `Retried job ${j._id}: it runs again with fresh retries.`
                        ),
                      )
                    }
                  >
                    Retry<span class="sr-only"> job {j._id}</span>
                  </button>
                  <button
                    type="button"
                    disabled={act.busy}
                    onClick={() =>
                      void act.run(async () => {
                        if (traces[j._id]) {
                          setTraces(({ [j._id]: _, ...rest }) => rest);
                          return;
                        }
                        const s = await idm.deadLetterJobs.stacktrace(j._id);
                        setTraces((t) => ({
                          ...t,
                          [j._id]: String((s as { stacktrace?: string }).stacktrace ?? JSON.stringify(s)),
                        }));
                      })
                    }
                    aria-expanded={Boolean(traces[j._id])}
                  >
                    Stack trace
                  </button>
                  <button
                    type="button"
                    class="danger"
                    disabled={act.busy}
                    onClick={() =>
                      void act.run(async () => (await idm.deadLetterJobs.delete(j._id), `Deleted job ${j._id}.`))
                    }
                  >
                    Delete<span class="sr-only"> job {j._id}</span>
                  </button>
                </div>
                {traces[j._id] && <pre class="trace">{traces[j._id]}</pre>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="jobs-h">
        <h2 id="jobs-h">Timers and async jobs</h2>
        <ErrorBox error={jobs.error} label="Jobs" />
        {jobs.data?.length === 0 && (
          <Empty>No job is waiting. Timers and asynchronous steps of running processes appear here.</Empty>
        )}
        {jobs.data && jobs.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Type</th>
                  <th scope="col">Element</th>
                  <th scope="col">Due</th>
                  <th scope="col">Retries</th>
                  <th scope="col">Last failure</th>
                  <th scope="col">Instance</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {jobs.data.map((j) => (
                  <tr key={j._id}>
                    <td>{j._id}</td>
                    <td>{j.jobType}</td>
                    <td>{j.elementName || j.elementId}</td>
                    <td>{j.dueDate ? when(j.dueDate) : 'now'}</td>
                    <td>{j.retries}</td>
                    <td>{j.exceptionMessage ?? '—'}</td>
                    <td>{instanceLink(j.processInstanceId)}</td>
                    <td class="row">
                      <button
                        type="button"
                        disabled={act.busy}
                        onClick={() =>
                          void act.run(async () => (await idm.jobs.execute(j._id), `Executed job ${j._id}.`))
                        }
                      >
                        Execute<span class="sr-only"> job {j._id}</span>
                      </button>
                      <button
                        type="button"
                        class="danger"
                        disabled={act.busy}
                        onClick={() =>
                          void act.run(async () => (await idm.jobs.delete(j._id), `Deleted job ${j._id}.`))
                        }
                      >
                        Delete<span class="sr-only"> job {j._id}</span>
                      </button>
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
