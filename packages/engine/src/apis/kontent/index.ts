/** The Kontent-style content workflow API (specs/kontent.yaml) on the wfkit engine. */
import { kontentSpec } from '../../generated/specs.js';
import { defineApiModule } from '../../http/api-module.js';
import { authenticate } from './auth.js';
import { errorShape } from './errors.js';
import { PUBLISH_JOB, publishJob, UNPUBLISH_JOB, unpublishJob } from './publishing.js';
import { routes } from './routes.js';
import type { Principal } from './variants.js';

export const apiModule = defineApiModule<Principal>({
  name: 'kontent',
  spec: kontentSpec,
  errors: errorShape,
  authenticate,
  routes,
  jobHandlers: { [PUBLISH_JOB]: publishJob, [UNPUBLISH_JOB]: unpublishJob },
});

export type { KontentExtras } from './auth.js';
export type { Principal } from './variants.js';
