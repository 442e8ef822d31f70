import { describe, expect, it } from 'vitest';
import { specs } from '../src/generated/specs.js';
import { OperationTable } from '../src/http/operations.js';
import { SpecValidator } from '../src/http/validate.js';

// Generic over whichever of the four specs exist: the framework must route and validate each of them.
const present = Object.entries(specs).filter(([, s]) => s) as [string, NonNullable<(typeof specs)['kontent']>][];

describe.each(present)('the %s spec in the framework', (_name, spec) => {
  it('compiles a request validator for every operation', () => {
    const table = new OperationTable(spec);
    expect(table.entries.length).toBeGreaterThan(0);
    expect(() => new SpecValidator(spec).precompile(table.entries)).not.toThrow();
  });

  it('routes every path template back to its own operation', () => {
    const table = new OperationTable(spec);
    for (const e of table.entries) {
      const concrete = e.path.replace(/\{[^}]+\}/g, 'x1');
      const m = table.match(e.method, concrete);
      // Literal segments win, so a template may legitimately lose to a literal one for this concrete path.
      if (m.kind === 'operation' && m.entry.path !== e.path) expect(m.entry.path.includes('{')).toBe(true);
      else expect(m).toMatchObject({ kind: 'operation', entry: { path: e.path, method: e.method } });
    }
  });
});

describe('the specs together', () => {
  it('claim disjoint path prefixes, so each unknown route 404s in one API shape', () => {
    const claims = present.flatMap(([name, spec]) =>
      new OperationTable(spec).defaultPrefixes().map((p) => ({ name, p })),
    );
    for (const a of claims)
      for (const b of claims) if (a.name !== b.name) expect(a.p === b.p || b.p.startsWith(`${a.p}/`)).toBe(false);
  });
});
