import { describe, expect, it } from 'vitest';
import {
  type FormPropertyDefinition,
  formatDate,
  parseDate,
  taskValues,
  toBody,
  toFields,
} from '../src/logic/form-fields.js';

const prop = (
  p: Partial<FormPropertyDefinition> & { _id: string; type: FormPropertyDefinition['type'] },
): FormPropertyDefinition => ({
  name: null,
  readable: true,
  writable: true,
  required: false,
  ...p,
});

describe('form mapping', () => {
  it('maps IDM form property types to inputs: enums as selects with their labels, required marked, read-only kept', () => {
    const fields = toFields([
      prop({
        _id: 'decision',
        name: 'Decision',
        required: true,
        type: { name: 'enum', values: { accept: 'Accept', reject: null } },
      }),
      prop({ _id: 'days', type: { name: 'long' } }),
      prop({ _id: 'rate', type: { name: 'double' } }),
      prop({ _id: 'urgent', type: { name: 'boolean' } }),
      prop({ _id: 'start', type: { name: 'date', datePattern: 'dd-MM-yyyy' } }),
      prop({ _id: 'who', name: 'Requester', writable: false, type: { name: 'string' } }),
      prop({ _id: 'hidden', readable: false, writable: false, type: { name: 'string' } }),
      prop({ _id: 'custom', type: { name: 'myType' } }),
    ]);
    expect(fields.map((f) => [f.id, f.kind, f.required, f.readOnly])).toEqual([
      ['decision', 'select', true, false],
      ['days', 'integer', false, false],
      ['rate', 'number', false, false],
      ['urgent', 'checkbox', false, false],
      ['start', 'date', false, false],
      ['who', 'text', false, true],
      ['custom', 'text', false, false],
    ]);
    expect(fields[0]!.label).toBe('Decision');
    expect(fields[0]!.options).toEqual([
      { value: 'accept', label: 'Accept' },
      { value: 'reject', label: 'reject' },
    ]);
    expect(fields[1]!.label).toBe('days');
  });

  it('fills current task values, including dates written in the property pattern', () => {
    const values = taskValues([{ decision: 'accept' }, { urgent: true }, { start: '31-12-2026' }]);
    const fields = toFields(
      [
        prop({ _id: 'decision', type: { name: 'enum', values: { accept: 'Accept' } } }),
        prop({ _id: 'urgent', type: { name: 'boolean' } }),
        prop({ _id: 'start', type: { name: 'date', datePattern: 'dd-MM-yyyy' } }),
      ],
      values,
    );
    expect(fields.map((f) => f.initial)).toEqual(['accept', true, '2026-12-31']);
  });

  it('turns typed input into a typed body and leaves empty optional fields out', () => {
    const fields = toFields([
      prop({ _id: 'decision', required: true, type: { name: 'enum', values: { accept: 'Accept' } } }),
      prop({ _id: 'days', type: { name: 'long' } }),
      prop({ _id: 'rate', type: { name: 'double' } }),
      prop({ _id: 'urgent', type: { name: 'boolean' } }),
      prop({ _id: 'start', type: { name: 'date', datePattern: 'MM/dd/yyyy' } }),
      prop({ _id: 'note', type: { name: 'string' } }),
      prop({ _id: 'who', writable: false, type: { name: 'string' } }),
      prop({ _id: 'mgr', variableName: 'manager', type: { name: 'string' } }),
    ]);
    const { body, errors } = toBody(fields, {
      decision: 'accept',
      days: '12',
      rate: '1.5',
      urgent: true,
      start: '2026-07-04',
      note: '  ',
      who: 'ignored',
      mgr: 'bjensen',
    });
    expect(errors).toEqual({});
    expect(body).toEqual({
      decision: 'accept',
      days: 12,
      rate: 1.5,
      urgent: true,
      start: '07/04/2026',
      mgr: 'bjensen',
      manager: 'bjensen',
    });
  });

  it('refuses missing required values, non-numbers and values outside the enum, naming the field', () => {
    const fields = toFields([
      prop({ _id: 'decision', name: 'Decision', required: true, type: { name: 'enum', values: { accept: 'Accept' } } }),
      prop({ _id: 'days', name: 'Days', type: { name: 'long' } }),
      prop({ _id: 'rate', name: 'Rate', type: { name: 'double' } }),
    ]);
    expect(toBody(fields, { decision: '', days: '1.5', rate: 'x' }).errors).toEqual({
      decision: 'Decision is required',
      days: 'Days must be a whole number',
      rate: 'Rate must be a number',
    });
    expect(toBody(fields, { decision: 'maybe' }).errors).toEqual({ decision: 'Decision: choose one of the values' });
  });

  it('writes and reads Java-style date patterns', () => {
    expect(formatDate('2026-01-09', 'dd-MM-yyyy')).toBe('09-01-2026');
    expect(formatDate('2026-01-09', 'yyyy.MM.dd')).toBe('2026.01.09');
    expect(parseDate('09-01-2026', 'dd-MM-yyyy')).toBe('2026-01-09');
    expect(parseDate('2026-01-09', 'dd-MM-yyyy')).toBeUndefined();
  });
});
