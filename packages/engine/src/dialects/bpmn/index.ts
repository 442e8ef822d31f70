export { compileDefinitions, elementLines, type Problem, parseBpmn } from './compile.js';
export { activitiDescriptor, flowableDescriptor } from './extension.js';
export { BpmnValidationError, compileBpmn, type ValidationResult, validateBpmn } from './validate.js';
