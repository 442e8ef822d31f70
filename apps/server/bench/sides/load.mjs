// The HTTP clients of the BPMN figure, in a process of their own: `node load.mjs <base> <seconds> <clients> [deploy]`.
// Prints one JSON line { rate, done, errors, firstError }.
import { deploy, idmCaller, oneInstance, timedLoop } from './bpmn.mjs';

const [base, seconds, clients, mode] = process.argv.slice(2);
const call = idmCaller(base);
if (mode === 'deploy') await deploy(call);
const result = await timedLoop(() => oneInstance(call), { seconds: Number(seconds), clients: Number(clients) });
process.stdout.write(`${JSON.stringify(result)}\n`);
