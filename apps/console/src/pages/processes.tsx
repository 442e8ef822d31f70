/** IDM processes: deploy a BPMN file (validated, problems on the diagram), definitions, running instances. */
import { useState } from 'preact/hooks';
import { BpmnView, type Problem } from '../components/BpmnView.js';
import { ActionStatus, Empty, ErrorBox, Loading, useAction, when } from '../components/ui.js';
import { usePoll } from '../poll.js';
import { href } from '../router.js';
import type { Clients } from '../session.js';

export function ProcessesPage({ clients }: { clients: Clients }) {
  const { idm } = clients;
  const defs = usePoll(async () => {
    const all = await idm.processDefinitions.list({ _queryFilter: 'true' }).toArray({ limit: 500 });
    return all.sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '') || (b.version ?? 0) - (a.version ?? 0));
  }, []);
  const instances = usePoll(() => idm.processInstances.list({ _queryFilter: 'true' }).toArray({ limit: 200 }), []);
  return (
    <>
      <h1>Processes</h1>
      <Upload clients={clients} onDeployed={() => void defs.reload()} />
      <section aria-labelledby="defs-h">
        <h2 id="defs-h">Process definitions</h2>
        <ErrorBox error={defs.error} label="Definitions" />
        {defs.loading && !defs.data ? (
          <Loading what="definitions" />
        ) : defs.data?.length === 0 ? (
          <Empty>No process is deployed yet. Upload a BPMN file above and deploy it.</Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Version</th>
                  <th scope="col">Deployment</th>
                </tr>
              </thead>
              <tbody>
                {defs.data?.map((d) => (
                  <tr key={d._id}>
                    <td>
                      <a href={href(`/idm/definitions/${encodeURIComponent(d._id)}`)}>{d.name || d.key}</a>
                    </td>
                    <td>{d.key}</td>
                    <td>{d.version}</td>
                    <td>{d.deploymentId}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="inst-h">
        <h2 id="inst-h">Running instances</h2>
        <ErrorBox error={instances.error} label="Instances" />
        {instances.data?.length === 0 && (
          <Empty>No instance is running. Open a definition and start it from its form.</Empty>
        )}
        {instances.data && instances.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Instance</th>
                  <th scope="col">Process</th>
                  <th scope="col">Business key</th>
                  <th scope="col">Started</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {instances.data.map((i) => (
                  <tr key={i._id}>
                    <td>
                      <a href={href(`/idm/instances/${encodeURIComponent(i._id)}`)}>{i._id}</a>
                    </td>
                    <td>{i.processDefinitionName || i.processDefinitionKey}</td>
                    <td>{i.businessKey ?? '—'}</td>
                    <td>{when(i.startTime)}</td>
                    <td>{i.startUserId ?? '—'}</td>
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

function Upload({ clients, onDeployed }: { clients: Clients; onDeployed: () => void }) {
  const { idm } = clients;
  const [xml, setXml] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  const [problems, setProblems] = useState<Problem[] | undefined>(undefined);
  const [deployed, setDeployed] = useState<string[]>([]);
  const validate = useAction();
  const deploy = useAction(onDeployed);
  const onFile = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    const text = await file.text();
    setXml(text);
    setDeployed([]);
    if (!name) setName(file.name.replace(/\.(bpmn20\.xml|bpmn|xml)$/i, ''));
    setProblems(undefined);
    await validate.run(async () => {
      const result = await idm.models.validateBpmn({ bpmnXML: text });
      setProblems(result.problems as Problem[]);
      const errors = result.problems.filter((p) => p.severity === 'error').length;
      const warnings = result.problems.length - errors;
      return result.valid
        ? `Valid BPMN${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}: ready to deploy.`
        : `${errors} problem${errors > 1 ? 's' : ''} prevent deployment; see the marked elements and the list.`;
    });
  };
  const doDeploy = () =>
    deploy.run(async () => {
      const model = await idm.models.create({ name: name || 'Uploaded process', bpmnXML: xml! });
      const result = await idm.models.deploy(model._id);
      setDeployed(result.processDefinitionIds);
      return result.duplicate
        ? 'Identical to the last deployment: nothing new was deployed.'
        : `Deployed ${result.processDefinitionIds.join(', ')}.`;
    });
  const valid = problems !== undefined && !problems.some((p) => p.severity === 'error');
  return (
    <section aria-labelledby="upload-h" class="card">
      <h2 id="upload-h">Deploy a BPMN file</h2>
      <div class="row">
        <div class="field">
          <label for="bpmn-file">BPMN 2.0 file</label>
          <input id="bpmn-file" type="file" accept=".bpmn,.xml,application/xml,text/xml" onChange={onFile} />
        </div>
        <div class="field">
          <label for="model-name">Model name</label>
          <input id="model-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="button" class="primary" disabled={!xml || !valid || deploy.busy} onClick={doDeploy}>
          Deploy
        </button>
      </div>
      <ActionStatus action={validate} />
      <ActionStatus action={deploy} />
      {deployed.map((id) => (
        <p key={id}>
          <a href={href(`/idm/definitions/${encodeURIComponent(id)}`)}>Open {id}</a>
        </p>
      ))}
      {problems && problems.length > 0 && (
        <ul class="problems" aria-label="Validation problems">
          {problems.map((p, i) => (
            <li key={i} class={p.severity}>
              <strong>{p.severity}</strong> {p.elementId ? <code>{p.elementId}</code> : null} {p.message}
            </li>
          ))}
        </ul>
      )}
      {xml && <BpmnView xml={xml} label="Diagram of the uploaded file" problems={problems} />}
    </section>
  );
}
