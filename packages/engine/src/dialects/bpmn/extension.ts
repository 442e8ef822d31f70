/**
 * A moddle extension descriptor for the `activiti:` and `flowable:` attributes and elements that IDM workflows use.
 * Both namespaces share one set of types; only prefix and URI differ.
 */
const str = (name: string) => ({ name, isAttr: true, type: 'String' });
const bool = (name: string) => ({ name, isAttr: true, type: 'Boolean' });

/** What execution and task listeners share: the event, its handler (an expression or a script; Java is refused). */
const LISTENER = [
  str('event'),
  str('onTransaction'),
  str('class'),
  str('expression'),
  str('delegateExpression'),
  { name: 'fields', type: 'Field', isMany: true },
  { name: 'script', type: 'Script' },
];

/** The types of the extension: the same for every prefix. */
const TYPES = [
  {
    name: 'Process',
    isAbstract: true,
    extends: ['bpmn:Process'],
    properties: [str('candidateStarterUsers'), str('candidateStarterGroups'), str('versionTag')],
  },
  {
    name: 'Initiator',
    isAbstract: true,
    extends: ['bpmn:StartEvent'],
    properties: [str('initiator'), str('formKey')],
  },
  {
    name: 'Async',
    isAbstract: true,
    extends: ['bpmn:Activity', 'bpmn:Gateway', 'bpmn:Event'],
    properties: [
      bool('async'),
      bool('asyncBefore'),
      bool('asyncAfter'),
      bool('exclusive'),
      str('failedJobRetryTimeCycle'),
      str('skipExpression'),
    ],
  },
  {
    name: 'Assignable',
    isAbstract: true,
    extends: ['bpmn:UserTask'],
    properties: [
      str('assignee'),
      str('owner'),
      str('candidateUsers'),
      str('candidateGroups'),
      str('dueDate'),
      str('priority'),
      str('formKey'),
      str('category'),
    ],
  },
  {
    name: 'ServiceTaskLike',
    isAbstract: true,
    extends: ['bpmn:ServiceTask', 'bpmn:BusinessRuleTask', 'bpmn:SendTask'],
    properties: [
      str('expression'),
      str('delegateExpression'),
      str('class'),
      str('type'),
      str('resultVariable'),
      str('resultVariableName'),
    ],
  },
  {
    name: 'ScriptTask',
    isAbstract: true,
    extends: ['bpmn:ScriptTask'],
    properties: [str('resultVariable'), str('autoStoreVariables')],
  },
  {
    name: 'CallActivity',
    isAbstract: true,
    extends: ['bpmn:CallActivity'],
    properties: [str('calledElementType'), str('businessKey'), bool('inheritBusinessKey'), bool('inheritVariables')],
  },
  {
    // flowable:scope="processInstance" on a <signal>: a throw reaches only the thrower's process instance
    name: 'SignalScope',
    isAbstract: true,
    extends: ['bpmn:Signal'],
    properties: [str('scope')],
  },
  {
    name: 'TimerEndDate',
    isAbstract: true,
    extends: ['bpmn:TimerEventDefinition'],
    properties: [str('endDate')],
  },
  {
    name: 'SignalExpression',
    isAbstract: true,
    extends: ['bpmn:SignalEventDefinition'],
    properties: [str('signalExpression'), bool('async')],
  },
  {
    name: 'MessageExpression',
    isAbstract: true,
    extends: ['bpmn:MessageEventDefinition'],
    properties: [str('messageExpression')],
  },
  {
    // Camunda: the caught code is stored in this variable
    name: 'EscalationCodeVariable',
    isAbstract: true,
    extends: ['bpmn:EscalationEventDefinition'],
    properties: [str('escalationCodeVariable')],
  },
  {
    name: 'ErrorCodeVariable',
    isAbstract: true,
    extends: ['bpmn:ErrorEventDefinition'],
    properties: [str('errorCodeVariable')],
  },
  {
    name: 'MultiInstance',
    isAbstract: true,
    extends: ['bpmn:MultiInstanceLoopCharacteristics'],
    properties: [
      str('collection'),
      str('elementVariable'),
      str('elementIndexVariable'),
      // Camunda: asynchronous continuations of each inner instance
      bool('asyncBefore'),
      bool('asyncAfter'),
    ],
  },
  {
    name: 'In',
    superClass: ['Element'],
    properties: [
      str('source'),
      str('sourceExpression'),
      str('target'),
      str('variables'),
      str('businessKey'),
      str('local'),
    ],
  },
  {
    name: 'Out',
    superClass: ['Element'],
    properties: [str('source'), str('sourceExpression'), str('target'), str('variables'), str('local')],
  },
  {
    // Camunda's input/output parameters: local variables of an activity, and what it passes out when it ends
    name: 'InputOutput',
    superClass: ['Element'],
    properties: [
      { name: 'inputParameters', type: 'InputParameter', isMany: true },
      { name: 'outputParameters', type: 'OutputParameter', isMany: true },
    ],
  },
  {
    name: 'InputParameter',
    superClass: ['Element'],
    properties: [str('name'), { name: 'value', isBody: true, type: 'String' }],
  },
  {
    name: 'OutputParameter',
    superClass: ['Element'],
    properties: [str('name'), { name: 'value', isBody: true, type: 'String' }],
  },
  {
    name: 'FormProperty',
    superClass: ['Element'],
    properties: [
      str('id'),
      str('name'),
      str('type'),
      str('required'),
      str('readable'),
      str('writable'),
      str('variable'),
      str('expression'),
      str('default'),
      str('datePattern'),
      { name: 'values', type: 'Value', isMany: true },
    ],
  },
  { name: 'Value', superClass: ['Element'], properties: [str('id'), str('name')] },
  {
    name: 'FailedJobRetryTimeCycle',
    superClass: ['Element'],
    properties: [{ name: 'body', isBody: true, type: 'String' }],
  },
  {
    name: 'TaskListener',
    superClass: ['Element'],
    properties: [str('id'), ...LISTENER],
  },
  {
    name: 'ExecutionListener',
    superClass: ['Element'],
    properties: LISTENER,
  },
  {
    name: 'Field',
    superClass: ['Element'],
    properties: [
      str('name'),
      str('stringValue'),
      str('expression'),
      { name: 'string', type: 'String' },
      { name: 'expressionBody', type: 'String' },
    ],
  },
  {
    name: 'Script',
    superClass: ['Element'],
    properties: [str('scriptFormat'), str('resource'), { name: 'value', isBody: true, type: 'String' }],
  },
];

function descriptor(prefix: string, uri: string) {
  return {
    name: prefix === 'activiti' ? 'Activiti' : 'Flowable',
    prefix,
    uri,
    xml: { tagAlias: 'lowerCase' },
    associations: [],
    types: TYPES,
    enumerations: [],
  };
}

export const activitiDescriptor = descriptor('activiti', 'http://activiti.org/bpmn');
export const flowableDescriptor = descriptor('flowable', 'http://flowable.org/bpmn');
