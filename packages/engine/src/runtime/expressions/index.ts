export {
  coerceToBoolean,
  type ExpressionContext,
  evaluate,
  evaluateCondition,
  evaluateNode,
  HostObject,
  variablesContext,
} from './evaluator.js';
export { ExpressionError, isExpression, type Node, parseExpression, parseTemplate, type Template } from './parser.js';
