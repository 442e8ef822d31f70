/** The PingIDM workflow API (specs/idm.yaml, /openidm/workflow) on the wfkit engine. See README.md. */
import { idmSpec } from '../../generated/specs.js';
import { type ApiModule, defineApiModule } from '../../http/api-module.js';
import { createIdmContext, type IdmOptions, type RegisterRoutes } from './context.js';
import { errorShape } from './crest/errors.js';
import { register as executions } from './routes/executions.js';
import { register as history } from './routes/history.js';
import { register as jobs } from './routes/jobs.js';
import { register as managed } from './routes/managed.js';
import { register as models } from './routes/models.js';
import { register as processDefinitions } from './routes/process-definitions.js';
import { register as processInstances } from './routes/process-instances.js';
import { register as taskInstances } from './routes/task-instances.js';
import { authenticate, type IdmPrincipal } from './security.js';

/** One entry per resource file under routes/ (operations not registered answer 501 through the framework). */
const ROUTE_FILES: RegisterRoutes[] = [
  models,
  processDefinitions,
  processInstances,
  taskInstances,
  history,
  executions,
  jobs,
  managed,
];

export function createIdmApiModule(options: IdmOptions = {}): ApiModule<IdmPrincipal> {
  return defineApiModule<IdmPrincipal>({
    name: 'idm',
    spec: idmSpec,
    errors: errorShape,
    authenticate,
    routes(router, ctx) {
      const idm = createIdmContext(ctx, options);
      for (const register of ROUTE_FILES) register(router, idm);
    },
  });
}

export const apiModule = createIdmApiModule();

export type { IdmContext, IdmOptions, IdmRouter } from './context.js';
export type { IdmPrincipal, ProcessAccessRule } from './security.js';
export { IdmSecurity, parseProcessAccess } from './security.js';
