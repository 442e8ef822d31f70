/** An IGA access request as stored and answered (specs/iga.yaml, `Request`), and a new one before its workflow starts. */

import { ADMIN_CALLER } from './callers.js';

/** The system's own entries (decisions a workflow script sets) are recorded under the admin. */
export const CALLER = { id: ADMIN_CALLER.id, userName: ADMIN_CALLER.userId };

export interface Phase {
  name: string;
  displayName?: string;
  type: string;
  status: 'in-progress' | 'complete';
  decision: string | null;
  startDate: string;
  completionDate: string | null;
  resumeDate?: string;
  workflowTaskId?: string;
}

export interface Actor {
  id: string;
  phase?: string;
  permissions: Record<string, boolean>;
}

export interface RequestDoc {
  id: string;
  requestType: string;
  request: { common: Record<string, unknown>; custom?: Record<string, unknown> };
  requester: Record<string, unknown>;
  user: Record<string, unknown>;
  application?: Record<string, unknown>;
  entitlement?: Record<string, unknown>;
  role?: Record<string, unknown>;
  /** From IDM's managed objects at creation (request-index.ts), for actor expressions. */
  manager?: { id: string };
  applicationOwner?: { id: string }[];
  entitlementOwner?: { id: string }[];
  roleOwner?: { id: string }[];
  workflow: { id: string; instanceId?: string };
  decision: {
    status: 'in-progress' | 'complete' | 'cancelled' | 'suspended';
    decision: 'approved' | 'rejected' | null;
    outcome: string | null;
    startDate: string;
    completionDate: string | null;
    deadline: string | null;
    failure?: boolean;
    comments: Record<string, unknown>[];
    actors: { active: Actor[]; inactive: Actor[] };
    phases: Phase[];
  };
  metadata: { createdDate: string; modifiedDate: string };
}

export const PERMISSIONS = [
  'approve',
  'reject',
  'reassign',
  'modify',
  'comment',
  'fulfill',
  'deny',
  'allow',
  'exception',
  'remediate',
  'cancel',
] as const;

/** Whether the request is still open (its instance may move on). */
export const isOpen = (d: RequestDoc): boolean =>
  d.decision?.status === 'in-progress' || d.decision?.status === 'suspended';

/** A new request document, in progress, before its workflow starts. */
export function newDoc(
  id: string,
  at: string,
  fields: Pick<RequestDoc, 'requestType' | 'request' | 'requester' | 'user'> & Partial<RequestDoc>,
  workflowId: string,
): RequestDoc {
  return {
    id,
    ...fields,
    workflow: { id: workflowId },
    decision: {
      status: 'in-progress',
      decision: null,
      outcome: null,
      startDate: at,
      completionDate: null,
      deadline: null,
      comments: [],
      actors: { active: [], inactive: [] },
      phases: [],
    },
    metadata: { createdDate: at, modifiedDate: at },
  };
}
