// The one-user-task process every side of the BPMN figure runs, and the IDM headers the HTTP clients send.
export const XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:activiti="http://activiti.org/bpmn" targetNamespace="bench">
  <process id="oneTask" name="One user task" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
    <userTask id="approve" name="Approve" activiti:candidateGroups="manager"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

/** A process that waits on a timer (the timer figure moves every timer's due date into the past). */
export const TIMER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="bench">
  <process id="oneTimer" name="One timer" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="timer"/>
    <intermediateCatchEvent id="timer"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="timer" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

export const IDM_HEADERS = {
  'X-OpenIDM-Username': 'openidm-admin',
  'X-OpenIDM-Password': 'openidm-admin',
  'Accept-API-Version': 'resource=1.0',
  'Content-Type': 'application/json',
};

/** One IDM call through `fetchFn` (global fetch over HTTP, or app.fetch in process); throws on a non-2xx answer. */
export function idmCaller(base, fetchFn = fetch) {
  return async (method, path, body) => {
    const res = await fetchFn(
      new Request(`${base}/openidm/workflow/${path}`, {
        method,
        headers: IDM_HEADERS,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** start → find the task → claim → complete: one process instance. */
export async function oneInstance(call) {
  const pi = await call('POST', 'processinstance?_action=create', { _key: 'oneTask' });
  const q = await call('GET', `taskinstance?_queryId=filtered-query&processInstanceId=${pi._id}`);
  const id = q.result[0]._id;
  await call('POST', `taskinstance/${id}?_action=claim`, { userId: 'openidm-admin' });
  await call('POST', `taskinstance/${id}?_action=complete`, {});
}

export async function deploy(call, xml = XML, name = 'One task') {
  const model = await call('POST', 'model?_action=create', { name, bpmnXML: xml });
  await call('POST', `model/${encodeURIComponent(model._id)}?_action=deploy`, {});
}

/**
 * Runs `once` with `clients` concurrent loops for `seconds`, after the same loops have run `warmupSeconds` unmeasured
 * (JIT tier-up: V8 compiles a hot WASM function (PostgreSQL) or JS path in the background, on the same cores, during
 * the first seconds of a fresh process); resolves to { rate, done, errors } of the measured window.
 */
export async function timedLoop(once, { seconds, clients, warmupSeconds = 2 }) {
  await loopFor(once, warmupSeconds, clients);
  return loopFor(once, seconds, clients);
}

async function loopFor(once, seconds, clients) {
  let done = 0;
  let errors = 0;
  let firstError;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end && errors <= 5) {
        try {
          await once();
          done++;
          // An in-memory engine may never leave the microtask queue otherwise.
          if (done % 8 === 0) await new Promise((r) => setImmediate(r));
        } catch (e) {
          errors++;
          firstError ??= e.message;
        }
      }
    }),
  );
  return { rate: done / ((performance.now() - t0) / 1000), done, errors, firstError };
}
