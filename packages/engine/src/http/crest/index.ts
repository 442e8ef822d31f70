/**
 * CREST queries for every API that takes them (IDM, IGA): the `_queryFilter` grammar and its in-memory evaluation,
 * `_sortKeys`, `_fields` and paging. No SQL here: an API translates filters to SQL over its own tables.
 */
export * from './dialect.js';
export * from './errors.js';
export * from './fields.js';
export * from './filter.js';
export * from './paging.js';
export * from './sort.js';
