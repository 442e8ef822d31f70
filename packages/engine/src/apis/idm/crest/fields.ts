/** IDM's `_fields` (http/crest/fields.ts): `_id` always written, a malformed pointer a 400 CREST error. */
import { asApiError, parseFields as crestFields, type FieldList } from '../../../http/crest/index.js';
import { badRequest } from './errors.js';

export { type FieldList, fieldRequested, projectFields } from '../../../http/crest/index.js';

export function parseFields(value: string | undefined): FieldList | undefined {
  return asApiError(() => crestFields(value), badRequest);
}
