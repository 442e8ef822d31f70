/**
 * The page the browser test bundles with esbuild: MSW's service worker with the specs' example handlers and the
 * reference engine in-process, and SDK calls against both. It reports to `window.wfkitResult`.
 */

import { createIdmClient } from '@wfkit/idm';
import { createKontentClient } from '@wfkit/kontent';
import { exampleHandlers } from '@wfkit/msw';
import { engineHandlers } from '@wfkit/msw/engine';
import { setupWorker } from 'msw/browser';

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="https://wfkit.test/browser">
  <process id="browserCheck" name="Browser check" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="score"/>
    <scriptTask id="score" name="Score" scriptFormat="javascript">
      <script>execution.setVariable('score', 6 * 7);</script>
    </scriptTask>
    <sequenceFlow id="f2" sourceRef="score" targetRef="review"/>
    <userTask id="review" name="Review"/>
    <sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

async function run() {
  const origin = location.origin;
  const engine = engineHandlers({ baseUrl: `${origin}/engine` });
  const worker = setupWorker(...exampleHandlers('kontent', { baseUrl: `${origin}/examples/v2` }), ...engine);
  await worker.start({ quiet: true });

  const steps: string[] = [];
  const kontent = createKontentClient({
    apiKey: 'any',
    environmentId: '8d3b1a52-6c1e-4d7a-9f3e-2b5c0e7a4f10',
    baseUrl: `${origin}/examples/v2`,
  });
  const workflows = await kontent.workflows.list();
  steps.push(`examples: ${workflows.length} workflow(s), first "${workflows[0]?.codename}"`);

  const idm = createIdmClient({ baseUrl: `${origin}/engine`, username: 'openidm-admin', password: 'openidm-admin' });
  const model = await idm.models.create({ name: 'Browser check', bpmnXML: BPMN });
  await idm.models.deploy(model._id);
  steps.push('deployed');
  const started = await idm.processInstances.create({ _key: 'browserCheck' });
  steps.push(`started ${started._id}`);
  const tasks = await idm.tasks.list({ _queryId: 'filtered-query', processInstanceId: started._id }).toArray();
  if (tasks.length !== 1) throw new Error(`expected one task, got ${tasks.length}`);
  const task = await idm.tasks.get(tasks[0]!._id);
  steps.push(`task "${task.name}" score ${JSON.stringify(task.variables?.score)}`);
  await idm.tasks.complete(task._id, { approved: true });
  const done = await idm.processInstanceHistory.get(started._id);
  steps.push(`process ${done.endTime ? 'completed' : 'still running'}`);
  return { ok: true, steps, completed: Boolean(done.endTime), score: task.variables?.score };
}

declare global {
  interface Window {
    wfkitResult?: unknown;
  }
}

run().then(
  (result) => {
    window.wfkitResult = result;
  },
  (error: unknown) => {
    window.wfkitResult = { ok: false, error: String((error as Error)?.stack ?? error) };
  },
);
