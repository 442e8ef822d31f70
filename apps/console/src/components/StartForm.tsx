/** A form generated from IDM form properties: enums as selects, required fields marked, typed values on submit. */
import { useState } from 'preact/hooks';
import { type FormField, toBody } from '../logic/form-fields.js';

interface Props {
  fields: FormField[];
  submitLabel: string;
  busy: boolean;
  onSubmit: (body: Record<string, unknown>) => void;
  idPrefix: string;
}

export function PropertyForm({ fields, submitLabel, busy, onSubmit, idPrefix }: Props) {
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(fields.map((f) => [f.id, f.initial])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (id: string, v: string | boolean) => setValues((old) => ({ ...old, [id]: v }));
  const submit = (e: Event) => {
    e.preventDefault();
    const result = toBody(fields, values);
    setErrors(result.errors);
    if (Object.keys(result.errors).length === 0) onSubmit(result.body);
  };
  return (
    <form class="form" onSubmit={submit} noValidate>
      {fields.length === 0 && <p class="muted">This form has no fields.</p>}
      {fields.map((f) => {
        const id = `${idPrefix}-${f.id}`;
        const err = errors[f.id];
        const common = {
          id,
          name: f.id,
          disabled: f.readOnly,
          'aria-required': f.required,
          'aria-invalid': Boolean(err),
          'aria-describedby': err ? `${id}-err` : undefined,
        };
        return (
          <div class="field" key={f.id}>
            <label for={id}>
              {f.label}
              {f.required && (
                <span class="req" aria-hidden="true">
                  {' '}
                  *
                </span>
              )}
              {f.required && <span class="sr-only"> (required)</span>}
            </label>
            {f.kind === 'select' ? (
              <select {...common} value={String(values[f.id] ?? '')} onChange={(e) => set(f.id, e.currentTarget.value)}>
                <option value="">— choose —</option>
                {f.options?.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : f.kind === 'checkbox' ? (
              <input
                {...common}
                type="checkbox"
                checked={values[f.id] === true}
                onChange={(e) => set(f.id, e.currentTarget.checked)}
              />
            ) : (
              <input
                {...common}
                type={
                  (f.kind === 'date'
                    ? 'date'
                    : f.kind === 'integer' || f.kind === 'number'
                      ? 'number'
                      : 'text') as 'text'
                }
                step={f.kind === 'number' ? 'any' : undefined}
                value={String(values[f.id] ?? '')}
                onInput={(e) => set(f.id, e.currentTarget.value)}
              />
            )}
            {err && (
              <span class="field-error" id={`${id}-err`}>
                {err}
              </span>
            )}
          </div>
        );
      })}
      <button type="submit" class="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
