/** Small shared pieces: error box, status line, async actions with a busy state, date formatting. */
import type { ComponentChildren } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { describeError } from '../errors.js';

export function ErrorBox({ error, label }: { error: unknown; label?: string }) {
  if (!error) return null;
  const { title, lines } = describeError(error);
  return (
    <div class="error" role="alert">
      <strong>
        {label ? `${label}: ` : ''}
        {title}
      </strong>
      {lines.length > 0 && (
        <ul>
          {lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export interface Action {
  busy: boolean;
  error: unknown;
  message: string | undefined;
  run: (fn: () => Promise<string | void>) => Promise<boolean>;
  clear: () => void;
}

/** Runs one user action at a time; keeps its error (in words) or its success message. */
export function useAction(after?: () => unknown): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const run = useCallback(
    async (fn: () => Promise<string | void>) => {
      setBusy(true);
      setError(undefined);
      setMessage(undefined);
      try {
        const m = await fn();
        setMessage(m || undefined);
        await after?.();
        return true;
      } catch (e) {
        setError(e);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [after],
  );
  return { busy, error, message, run, clear: () => (setError(undefined), setMessage(undefined)) };
}

export function ActionStatus({ action }: { action: Action }) {
  return (
    <>
      <ErrorBox error={action.error} />
      {action.message && (
        <p class="ok" role="status">
          {action.message}
        </p>
      )}
    </>
  );
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function Json({ value }: { value: unknown }) {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}
