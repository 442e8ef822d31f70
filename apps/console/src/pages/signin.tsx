/** Sign in with the credentials the four APIs take; each is checked with a cheap read before the console opens. */
import { useState } from 'preact/hooks';
import { describeError } from '../errors.js';
import {
  type Clients,
  type Credentials,
  createClients,
  devDefaults,
  devIgaUsers,
  emptyCredentials,
} from '../session.js';

type ApiName = keyof Credentials;

/** One read per API that needs only the credentials. */
export async function checkCredentials(c: Clients): Promise<Record<ApiName, string | undefined>> {
  const check = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      return undefined;
    } catch (e) {
      return describeError(e).title;
    }
  };
  const [idm, kontent, iga, flow] = await Promise.all([
    check(() =>
      c.idm.processDefinitions.list({ _queryFilter: 'true', _pageSize: 1 }).pages()[Symbol.asyncIterator]().next(),
    ),
    check(() => c.kontent.workflows.list()),
    check(() => c.iga.requestTypes.list({ _pageSize: 1 }).pages()[Symbol.asyncIterator]().next()),
    check(() => c.flow.definitions.list().pages()[Symbol.asyncIterator]().next()),
  ]);
  return { idm, kontent, iga, flow };
}

export function SignIn({ onSignedIn }: { onSignedIn: (c: Credentials) => void }) {
  const defaults = devDefaults();
  const igaUsers = devIgaUsers();
  const [c, setC] = useState<Credentials>(defaults ?? emptyCredentials());
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Partial<Record<ApiName, string>>>({});
  const set = <A extends ApiName>(api: A, field: keyof Credentials[A], value: string) =>
    setC((old) => ({ ...old, [api]: { ...old[api], [field]: value } }));
  const input = <A extends ApiName>(
    api: A,
    field: keyof Credentials[A] & string,
    label: string,
    type: 'text' | 'password' = 'text',
    required = true,
  ) => (
    <div class="field">
      <label for={`si-${api}-${field}`}>{label}</label>
      <input
        id={`si-${api}-${field}`}
        type={type as 'text'}
        required={required}
        autocomplete="off"
        value={String(c[api][field] ?? '')}
        onInput={(e) => set(api, field, e.currentTarget.value)}
      />
    </div>
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const result = await checkCredentials(createClients(c));
    setBusy(false);
    setProblems(result);
    if (Object.values(result).every((p) => !p)) onSignedIn(c);
  };
  const failed = Object.entries(problems).filter(([, p]) => p);
  return (
    <main id="main" class="signin">
      <h1>Sign in to the wfkit console</h1>
      <p>
        The console uses the same credentials as the APIs and keeps them in this tab only (session storage).
        {defaults && ' This is a development server: its default credentials are filled in.'}
      </p>
      <form class="form" onSubmit={submit}>
        <fieldset>
          <legend>IDM (X-OpenIDM-Username / Password)</legend>
          {input('idm', 'username', 'Username')}
          {input('idm', 'password', 'Password', 'password')}
          {problems.idm && <p class="field-error">{problems.idm}</p>}
        </fieldset>
        <fieldset>
          <legend>Kontent (Management API)</legend>
          {input('kontent', 'environmentId', 'Environment id')}
          {input('kontent', 'apiKey', 'API key', 'password')}
          {problems.kontent && <p class="field-error">{problems.kontent}</p>}
        </fieldset>
        <fieldset>
          <legend>IGA (bearer token)</legend>
          {igaUsers.length > 0 && (
            <div class="field">
              <label for="si-iga-user">Sign in as</label>
              <select
                id="si-iga-user"
                value={igaUsers.find((u) => u.token === c.iga.token)?.token ?? ''}
                onChange={(e) => {
                  const chosen = igaUsers.find((u) => u.token === e.currentTarget.value);
                  setC((old) => ({
                    ...old,
                    iga: chosen ? { ...chosen } : { token: defaults?.iga.token ?? '', actor: '' },
                  }));
                }}
              >
                <option value="">Administrator (every open request)</option>
                {igaUsers.map((u) => (
                  <option key={u.token} value={u.token}>
                    {u.actor}
                  </option>
                ))}
              </select>
            </div>
          )}
          {input('iga', 'token', 'Access token', 'password')}
          {input('iga', 'actor', 'Approver (managed/user/… id; empty: every open request)', 'text', false)}
          {problems.iga && <p class="field-error">{problems.iga}</p>}
        </fieldset>
        <fieldset>
          <legend>FLOW (api_key, X-Frankie-CustomerID)</legend>
          {input('flow', 'apiKey', 'API key', 'password')}
          {input('flow', 'customerId', 'Customer id')}
          {problems.flow && <p class="field-error">{problems.flow}</p>}
        </fieldset>
        {failed.length > 0 && (
          <div class="error" role="alert">
            {failed.length} API{failed.length > 1 ? 's' : ''} refused the credentials:{' '}
            {failed.map(([a]) => a).join(', ')}.{' '}
            <button type="button" class="link" onClick={() => onSignedIn(c)}>
              Continue anyway
            </button>
          </div>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
