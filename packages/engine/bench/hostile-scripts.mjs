// Hostile BPMN script tasks against the in-process app (IDM on PGlite): for each attack, /health latency (p50/p99,
// probed every 5 ms while the attack runs) against a quiet baseline measured in the same run, the attack's answer,
// and RSS growth. `node bench/hostile-scripts.mjs` (rounds: BENCH_ROUNDS, default 2).
import { loadEngineSources } from './engine-sources.mjs';

const { createApp } = await loadEngineSources(`export { createApp } from './src/app.ts';`);

const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
const ATTACKS = {
  'endless loop': 'while (true) {}',
  'array memory bomb': 'var a = []; for (;;) a.push("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + a.length);',
  'console.log flood': 'for (;;) console.log("flood flood flood flood flood flood flood flood");',
  'setVariable loop': 'for (var i = 0; ; i++) execution.setVariable("v" + (i % 100), i);',
  '200 x 1 MB variables':
    'var big = new Array(1024 * 1024).join("x"); for (var i = 0; i < 200; i++) execution.setVariable("big" + i, big);',
};
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const xml = (id, script) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="bench">
  <process id="${id}" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="attack"/>
    <scriptTask id="attack" scriptFormat="javascript"><script><![CDATA[${script}]]></script></scriptTask>
    <sequenceFlow id="f2" sourceRef="attack" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

const app = createApp({ jobs: { start: false }, docs: false });
await app.ready;
const call = async (method, path, body) => {
  const res = await app.fetch(
    new Request(`http://localhost${path}`, {
      method,
      headers: { ...ADMIN, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
  return { status: res.status, json: await res.json().catch(() => undefined) };
};
const keys = Object.keys(ATTACKS).map((name, i) => [name, `attack${i}`]);
for (const [name, key] of keys) {
  const m = await call('POST', '/openidm/workflow/model', { name: key, bpmnXML: xml(key, ATTACKS[name]) });
  await call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`);
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** Probes /health every 5 ms until `work` settles; returns latencies and what work returned. */
async function probeDuring(work) {
  const lat = [];
  let done = false;
  const probing = (async () => {
    while (!done) {
      const t = performance.now();
      await app.fetch(new Request('http://localhost/health'));
      lat.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const result = await work().finally(() => {
    done = true;
  });
  await probing;
  return { lat, result };
}

const rows = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, key] of [['(quiet baseline)', null], ...keys, ['8 concurrent endless loops', 'attack0']]) {
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const started = performance.now();
    const { lat, result } = await probeDuring(async () => {
      if (!key) return new Promise((r) => setTimeout(() => r({ status: '-', json: {} }), 1000));
      const n = name.startsWith('8 ') ? 8 : 1;
      const all = await Promise.all(
        Array.from({ length: n }, () =>
          call('POST', '/openidm/workflow/processinstance?_action=create', { _key: key }),
        ),
      );
      return all[0];
    });
    rows.push({
      round,
      attack: name,
      status: result.status,
      message: String(result.json?.message ?? '').slice(0, 70),
      ms: Math.round(performance.now() - started),
      healthP50: pct(lat, 50).toFixed(1),
      healthP99: pct(lat, 99).toFixed(1),
      probes: lat.length,
      rssGrowthMB: ((process.memoryUsage().rss - rss0) / 1048576).toFixed(1),
    });
  }
}
console.table(rows);
await app.close();
process.exit(0);
