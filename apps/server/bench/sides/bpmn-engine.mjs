// bpmn-engine (paed01) in memory, no persistence: `node bpmn-engine.mjs <seconds> <clients>`; prints { rate, ... }.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { timedLoop, XML } from './bpmn.mjs';

// bpmn-engine is a devDependency of the engine package (its tests compare against it).
const require = createRequire(new URL('../../../../packages/engine/package.json', import.meta.url));
const { Engine } = await import(require.resolve('bpmn-engine'));
const [seconds, clients] = process.argv.slice(2).map(Number);
const once = () => {
  const engine = new Engine({ name: 'oneTask', source: XML });
  const listener = new EventEmitter();
  // claim and complete in one signal (bpmn-engine has no task service)
  listener.on('wait', (api) => api.signal({ assignee: 'manager1' }));
  return new Promise((resolve, reject) => {
    engine.once('end', resolve);
    engine.once('error', reject);
    engine.execute({ listener, variables: {} }).catch(reject);
  });
};
process.stdout.write(`${JSON.stringify(await timedLoop(once, { seconds, clients }))}\n`);
