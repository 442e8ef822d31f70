import type { Area } from '../harness.js';
import { async } from './async.js';
import { callactivity } from './callactivity.js';
import { compensation } from './compensation.js';
import { error } from './error.js';
import { escalation } from './escalation.js';
import { eventGateway } from './eventgateway.js';
import { gateway } from './gateway.js';
import { executionListeners, listenersInEvents, taskListeners } from './listeners.js';
import { message, messageStart } from './message.js';
import { misc } from './misc.js';
import { multiinstance } from './multiinstance.js';
import { scripts } from './scripts.js';
import { signal, signalOwnApp, signalStart } from './signal.js';
import { subprocess } from './subprocess.js';
import { timer, timerStart } from './timer.js';
import { usertask } from './usertask.js';

/** Every translated area, in the order the suite runs them. */
export const areas: Area[] = [
  gateway,
  subprocess,
  usertask,
  multiinstance,
  callactivity,
  timer,
  timerStart,
  signal,
  signalStart,
  signalOwnApp,
  message,
  messageStart,
  error,
  eventGateway,
  misc,
  scripts,
  escalation,
  compensation,
  async,
  executionListeners,
  taskListeners,
  listenersInEvents,
];
