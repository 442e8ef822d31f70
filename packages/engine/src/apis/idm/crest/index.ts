/** The CREST toolkit of the IDM API (see ../README.md). */
export * from './errors.js';
export * from './fields.js';
export * from './filter.js';
export * from './query.js';
export * from './resource.js';
export * from './sql.js';
