/**
 * IDM's `_queryFilter`: the shared CREST grammar and in-memory predicate (http/crest) in CREST's own dialect, a
 * malformed filter a 400 CREST error.
 */
import { asApiError, parseFilter as crestFilter, type FilterNode, IDM_DIALECT } from '../../../http/crest/index.js';
import { badRequest } from './errors.js';

export {
  type CompareOp,
  type FilterNode,
  type FilterValue,
  filterToPredicate,
  isMatchAll,
  parsePointer,
} from '../../../http/crest/index.js';

export function parseFilter(filter: string): FilterNode {
  return asApiError(() => crestFilter(filter, IDM_DIALECT), badRequest);
}
