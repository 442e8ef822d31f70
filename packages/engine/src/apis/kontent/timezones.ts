/** IANA time-zone names for the `*display_timezone` fields: Kontent.ai refuses others with a 400 (`error_code` 5). */
import { invalid, type KontentValidationError } from './errors.js';

const SHAPE = /^(?:[A-Za-z][A-Za-z0-9_+-]*)(?:\/[A-Za-z0-9_+-]+)*$/;
const known = new Map<string, boolean>();

/**
 * Whether the name is an IANA time zone the runtime knows (`Europe/Prague`, `UTC`, `America/Argentina/Salta`).
 * Offsets such as `+01:00`, which Intl also accepts, are not IANA names.
 */
export function isIanaTimeZone(name: string): boolean {
  let ok = known.get(name);
  if (ok === undefined) {
    ok = SHAPE.test(name);
    if (ok) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: name });
      } catch {
        ok = false;
      }
    }
    if (known.size < 2000) known.set(name, ok);
  }
  return ok;
}

/** Refuses (400, 5) the first of these fields that holds a name that is not an IANA time zone; null/absent pass. */
export function assertTimeZones(fields: Record<string, unknown>): void {
  const errors: KontentValidationError[] = [];
  for (const [path, value] of Object.entries(fields)) {
    if (typeof value === 'string' && !isIanaTimeZone(value)) {
      errors.push({ path, message: `'${value}' is not a valid IANA time zone.` });
    }
  }
  if (errors.length > 0) throw invalid('The provided request body is invalid.', errors);
}
