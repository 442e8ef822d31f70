/** Script formats a BPMN script (task or listener) may name: JUEL, JavaScript, and Groovy read as JavaScript. */
export const SCRIPT_FORMATS: ReadonlySet<string> = new Set([
  'juel',
  'javascript',
  'js',
  'ecmascript',
  'groovy',
  'application/javascript',
  'text/javascript',
]);
