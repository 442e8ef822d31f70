export {
  type ApiName,
  answerResponse,
  type ChosenAnswer,
  chooseAnswer,
  compareTemplates,
  type ExampleHandlersOptions,
  exampleHandlers,
  type Preference,
  parsePrefer,
  specOperations,
  specs,
  toMswPath,
} from './examples.js';
export type { ExampleOperation, ExampleResponse, ExampleSpec } from './spec-types.js';
export {
  type ActionOf,
  createHttp,
  type HttpMethod,
  type OperationOf,
  type PathParamNames,
  type PathParamsOf,
  type PathsWithMethod,
  type RequestBodyOf,
  type ResponseBodyOf,
  type TypedHandlerOptions,
  type TypedHttp,
  type TypedHttpMethod,
} from './typed-http.js';
