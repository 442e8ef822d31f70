/** The IGA orchestration definition JSON (specs/iga.yaml `WorkflowDefinition`), as far as the engine reads it. */

export type StepType = 'approvalTask' | 'fulfillmentTask' | 'violationTask' | 'scriptTask' | 'waitTask' | 'emailTask';
export const STEP_TYPES: readonly StepType[] = [
  'approvalTask',
  'fulfillmentTask',
  'violationTask',
  'scriptTask',
  'waitTask',
  'emailTask',
];

export interface Expression {
  isExpression?: boolean;
  value: string;
}

export interface NextStep {
  condition: string | null;
  outcome: string;
  step: string | null;
}

export interface Actor {
  id: string | Expression;
  permissions?: Record<string, boolean>;
}

export interface Events {
  assignment?: { notification: string };
  reassign?: { notification: string };
  reminder?: { notification?: string; frequency?: number; date?: Expression };
  escalation?: { notification?: string; date?: Expression; actors?: Actor[]; frequency?: number };
  expiration?: {
    action?: string | Expression;
    notification?: string;
    actors?: Actor[];
    date?: Expression;
    frequency?: number;
  };
}

export interface StepBody {
  nextStep?: NextStep[];
  approvalMode?: string;
  actors?: Actor[] | Expression;
  events?: Events | null;
  language?: string;
  script?: string;
  gatewayType?: 'exclusive' | 'inclusive';
  resumeDate?: Expression;
  to?: string | Expression;
  cc?: string | Expression;
  bcc?: string | Expression;
  object?: Record<string, unknown>;
  templateName?: string;
}

export interface Step {
  name: string;
  displayName: string;
  type: StepType;
  approvalMode?: string;
  approvalTask?: StepBody;
  fulfillmentTask?: StepBody;
  violationTask?: StepBody;
  scriptTask?: StepBody;
  waitTask?: StepBody;
  emailTask?: StepBody;
}

export interface IgaDefinition {
  id: string;
  name: string;
  displayName?: string;
  description?: string;
  type?: string;
  childType?: boolean;
  _rev?: number;
  status?: 'draft' | 'published';
  mutable?: boolean;
  steps: Step[];
  staticNodes: {
    startNode: { id: 'startNode'; connections: { start?: string }; [k: string]: unknown };
    endNode: { id: 'endNode'; [k: string]: unknown };
    uiConfig?: Record<string, unknown>;
  };
}

export const bodyOf = (step: Step): StepBody | undefined => step[step.type] as StepBody | undefined;
