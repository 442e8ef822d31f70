/** The console shell: sign-in, navigation, and the page for the current route. */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { DefinitionPage } from './pages/definition.js';
import { FlowDefinitionPage, FlowExecutionPage, FlowPage } from './pages/flow.js';
import { IgaPage, IgaRequestPage } from './pages/iga.js';
import { InboxPage, TaskPage } from './pages/inbox.js';
import { InstancePage } from './pages/instance.js';
import { JobsPage } from './pages/jobs.js';
import { KontentPage } from './pages/kontent.js';
import { ProcessesPage } from './pages/processes.js';
import { SignIn } from './pages/signin.js';
import { href, match, navigate, useRoute } from './router.js';
import { type Credentials, clearCredentials, createClients, loadCredentials, saveCredentials } from './session.js';

const NAV = [
  { path: '/idm/processes', label: 'Processes', prefixes: ['/idm/processes', '/idm/definitions', '/idm/instances'] },
  { path: '/idm/tasks', label: 'Tasks', prefixes: ['/idm/tasks'] },
  { path: '/idm/jobs', label: 'Jobs', prefixes: ['/idm/jobs'] },
  { path: '/kontent', label: 'Kontent', prefixes: ['/kontent'] },
  { path: '/iga', label: 'IGA', prefixes: ['/iga'] },
  { path: '/flow', label: 'FLOW', prefixes: ['/flow'] },
];

export function App() {
  const [credentials, setCredentials] = useState<Credentials | undefined>(() => loadCredentials());
  const path = useRoute();
  if (!credentials)
    return (
      <SignIn
        onSignedIn={(c) => {
          saveCredentials(c);
          setCredentials(c);
        }}
      />
    );
  return (
    <Shell
      path={path}
      credentials={credentials}
      onSignOut={() => {
        clearCredentials();
        setCredentials(undefined);
      }}
    />
  );
}

function Shell({ path, credentials, onSignOut }: { path: string; credentials: Credentials; onSignOut: () => void }) {
  const clients = useMemo(() => createClients(credentials), [credentials]);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // Move focus to the page on navigation, so keyboard and screen-reader users start at its top.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);
  const routes: [string, (p: Record<string, string>) => ComponentChildren][] = [
    ['/idm/processes', () => <ProcessesPage clients={clients} />],
    ['/idm/definitions/:id', (p) => <DefinitionPage clients={clients} id={p.id!} />],
    ['/idm/instances/:id', (p) => <InstancePage clients={clients} id={p.id!} />],
    ['/idm/tasks', () => <InboxPage clients={clients} credentials={credentials} />],
    ['/idm/tasks/:id', (p) => <TaskPage clients={clients} credentials={credentials} id={p.id!} />],
    ['/idm/jobs', () => <JobsPage clients={clients} />],
    ['/kontent', () => <KontentPage clients={clients} />],
    ['/kontent/workflows/:id', (p) => <KontentPage clients={clients} workflowId={p.id!} />],
    ['/iga', () => <IgaPage clients={clients} credentials={credentials} />],
    ['/iga/requests/:id', (p) => <IgaRequestPage clients={clients} id={p.id!} />],
    ['/flow', () => <FlowPage clients={clients} />],
    ['/flow/definitions/:id', (p) => <FlowDefinitionPage clients={clients} id={p.id!} />],
    ['/flow/executions/:id', (p) => <FlowExecutionPage clients={clients} id={p.id!} />],
  ];
  useEffect(() => {
    if (path === '/' || path === '/idm') navigate('/idm/processes');
  }, [path]);
  let page: ComponentChildren = null;
  for (const [pattern, render] of routes) {
    const m = match(pattern, path);
    if (m) {
      page = render(m.params);
      break;
    }
  }
  if (!page && path !== '/' && path !== '/idm')
    page = (
      <>
        <h1>Not found</h1>
        <p>
          The console has no page at <code>{href(path)}</code>. <a href={href('/idm/processes')}>Go to Processes</a>.
        </p>
      </>
    );
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('/idm/processes')}>
          wfkit console
        </a>
        <nav aria-label="Sections">
          <ul>
            {NAV.map((n) => (
              <li key={n.path}>
                <a href={href(n.path)} aria-current={n.prefixes.some((p) => path.startsWith(p)) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">{credentials.idm.username}</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
