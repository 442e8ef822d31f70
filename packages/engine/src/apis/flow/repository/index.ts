/** Every SQL statement of the FLOW API: definitions and executions, scoped by (customer id, child id or ''). */
export * from './definitions.js';
export * from './executions.js';
