/**
 * The console end to end, in real headless Chromium (Debian's `chromium`, driven by playwright-core) against the
 * built server process started with `--demo` (plus an IGA request with an actor and a failing job, seeded through the
 * public SDKs): the demo data shows; deploy a BPMN file from the upload form, start it from its
 * start form, see the diagram mark the waiting task, claim and complete it in the inbox, see the instance end; move a
 * Kontent variant to Published on the board; approve an IGA request as its actor; retry a dead-letter job. Every page
 * gets an axe-core check (no critical violation) and a screenshot in test-artifacts/console-e2e/ (see README).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFlowClient } from '@wfkit/flow';
import { createIdmClient } from '@wfkit/idm';
import { createIgaClient } from '@wfkit/iga';
import { createKontentClient } from '@wfkit/kontent';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'dist', 'main.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
/** Where the screenshots go (gitignored). */
export const SHOTS = join(here, '..', 'test-artifacts', 'console-e2e');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Defaults of the dev server (printed at its start).
const ENV_ID = '8d3b1a52-6c1e-4d7a-9f3e-2b5c0e7a4f10';
const DEFAULT_LANGUAGE = '00000000-0000-0000-0000-000000000000';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(
    `console e2e skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); CI installs it`,
  );

describe.skipIf(!haveChromium)('the console in a real browser', () => {
  let server: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;
  const temp = mkdtempSync(join(tmpdir(), 'wfkit-console-e2e-'));
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = spawn(process.execPath, [main, '--demo'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', WFKIT_DATA_DIR: join(temp, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Ready once the demo data is in (its summary follows the `ready` log line).
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      let ready: string | undefined;
      const done = () => {
        if (ready && err.includes('demo:')) resolve(ready);
      };
      server.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        for (const line of out.split('\n')) {
          try {
            const l = JSON.parse(line);
            if (l.msg === 'ready') ready = l.url;
          } catch {}
        }
        done();
      });
      server.stderr!.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        done();
      });
      server.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    // axe is injected as an inline script, which the console's CSP (rightly) forbids.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    rmSync(temp, { recursive: true, force: true });
  });

  const idm = () => createIdmClient({ baseUrl: url, username: 'openidm-admin', password: 'openidm-admin' });
  const kontent = () =>
    createKontentClient({ baseUrl: `${url}/v2`, apiKey: 'wfkit-dev-kontent-management-key', environmentId: ENV_ID });
  const iga = () => createIgaClient({ baseUrl: url, token: 'wfkit-dev-iga-token' });

  /** axe-core on the page as it is: no critical violation; and a screenshot named for the page. */
  async function check(name: string) {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const r = await (
        window as unknown as {
          axe: {
            run(o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
          };
        }
      ).axe.run({
        resultTypes: ['violations'],
      });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
    });
    expect(
      violations.filter((v) => v.impact === 'critical'),
      `${name}: ${JSON.stringify(violations)}`,
    ).toEqual([]);
  }

  /** A published IGA workflow with one approval by `approver`, bound to entitlement requests; one request of it. */
  async function seedIgaRequest(approver: string) {
    const c = iga();
    const script = (name: string, text: string) => ({
      name,
      displayName: name,
      type: 'scriptTask',
      scriptTask: {
        nextStep: [{ condition: 'true', outcome: 'done', step: null }],
        language: 'javascript',
        script: text,
      },
    });
    await c.definitions.create({
      id: 'consoleApproval',
      name: 'consoleApproval',
      displayName: 'Console approval',
      description: 'one approval step',
      type: 'provisioning',
      childType: false,
      steps: [
        {
          name: 'approvalTask-00000000000a',
          displayName: 'Manager approval',
          type: 'approvalTask',
          approvalTask: {
            nextStep: [
              { condition: null, outcome: 'APPROVE', step: 'scriptTask-00000000000b' },
              { condition: null, outcome: 'REJECT', step: 'scriptTask-00000000000c' },
            ],
            approvalMode: 'any',
            actors: [{ id: approver, permissions: { approve: true, reject: true, comment: true, reassign: true } }],
          },
        },
        script(
          'scriptTask-00000000000b',
          "var id = execution.getVariables().get('id');\nopenidm.action('iga/governance/requests/' + id, 'POST', {status: 'complete', decision: 'approved', outcome: 'provisioned'}, {_action: 'update'});",
        ),
        script('scriptTask-00000000000c', 'logger.info("rejected");'),
      ],
      staticNodes: {
        startNode: { id: 'startNode', x: 70, y: 140, connections: { start: 'approvalTask-00000000000a' } },
        endNode: { id: 'endNode', x: 1000, y: 140, connections: null },
        uiConfig: {},
      },
    } as never);
    await c.definitions.publish({ id: 'consoleApproval' });
    await c.requestTypes.patch(
      'entitlementGrant',
      [{ operation: 'replace', field: '/workflow/id', value: 'consoleApproval' }] as never,
      {
        _useLowLevelApi: true,
      } as never,
    );
    const created = await c.requests.create({
      users: ['demo-employee'],
      catalogs: [{ type: 'entitlement', id: 'demo-payroll-approver' }],
      accessModifier: 'add',
      justification: 'console end-to-end test',
    } as never);
    return created.result[0]!;
  }

  // The demo's manager (demo-manager, mgarcia) signs in to IGA with her own token, not the admin's.
  const ACTOR = 'managed/user/demo-manager';
  let seeded: Awaited<ReturnType<typeof seedIgaRequest>>;

  it('signs in with the prefilled dev credentials, as the IGA actor with her own token', async () => {
    seeded = await seedIgaRequest(ACTOR);
    expect(seeded.decision.actors.active.map((a) => a.id)).toEqual([ACTOR]);
    await page.goto(`${url}/console/iga`);
    await expect.poll(() => page.inputValue('#si-idm-username'), { timeout: 20_000 }).toBe('openidm-admin');
    await page.selectOption('#si-iga-user', { label: ACTOR });
    expect(await page.inputValue('#si-iga-actor')).toBe(ACTOR);
    expect(await page.inputValue('#si-iga-token')).toBe('wfkit-dev-iga-mgarcia');
    await check('sign-in');
    await page.click('button[type=submit]');
    await page.getByRole('heading', { name: 'IGA', exact: true }).waitFor();
  });

  it('shows the demo process, and its waiting instance marked on a diagram laid out for a BPMN without one', async () => {
    await page.goto(`${url}/console/idm/processes`);
    await page.getByRole('link', { name: 'Contractor onboarding process' }).waitFor();
    const instance = page.locator('section[aria-labelledby="inst-h"] a').first();
    await instance.click();
    await page.waitForURL(/\/console\/idm\/instances\//);
    const active = page.locator('.djs-element.wf-active');
    await active.first().waitFor({ timeout: 15_000 });
    expect(await active.evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')))).toEqual([
      'decideApprovalTask',
    ]);
    await page.locator('.djs-connection.wf-taken[data-element-id="toApproval"]').waitFor({ state: 'attached' });
    await page.getByTestId('waiting-at').getByText('Approve Contractor').waitFor();
    await check('demo-instance');
  });

  it('deploys a BPMN file, starts it from its form and marks the waiting task on the diagram', async () => {
    await page.goto(`${url}/console/idm/processes`);
    await page.setInputFiles('#bpmn-file', join(here, 'fixtures', 'equipment-request.bpmn20.xml'));
    await page.getByText('Valid BPMN').waitFor();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const open = page.getByRole('link', { name: /^Open equipmentRequest:1:/ });
    await open.waitFor();
    await check('processes');
    await open.click();
    await page.getByRole('heading', { name: /Equipment request/ }).waitFor();
    await page.locator('.diagram .djs-element').first().waitFor();
    // A required field left empty is refused in words, before any request.
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText('Item is required').waitFor();
    await page.fill('#start-item', 'ThinkPad X1');
    await page.selectOption('#start-kind', 'laptop');
    await page.fill('#start-quantity', '2');
    await check('definition');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/\/console\/idm\/instances\//);
    // The diagram must mark the waiting user task (and only it as active): this fails when nothing is marked.
    const active = page.locator('.djs-element.wf-active');
    await active.first().waitFor({ timeout: 10_000 });
    expect(await active.evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')))).toEqual(['review']);
    expect(
      await page
        .locator('.djs-connection.wf-taken')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id'))),
    ).toEqual(['toReview']);
    await page.getByTestId('waiting-at').getByText('Review equipment request').waitFor();
    await page.getByText('ThinkPad X1').waitFor(); // variables
    await check('instance-waiting');
  });

  it('claims and completes the task in the inbox; the instance ends', async () => {
    const instancePath = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('tab', { name: 'My tasks' }).waitFor();
    await page.getByText(/No task is assigned to you/).waitFor();
    await page.getByRole('tab', { name: 'I may claim' }).click();
    await page.getByRole('button', { name: 'Claim Review equipment request' }).click();
    await page.getByText('Claimed “Review equipment request”.').waitFor();
    await page.getByRole('tab', { name: 'My tasks' }).click();
    await page.getByRole('link', { name: 'Review equipment request' }).click();
    await check('inbox-task');
    await page.selectOption('#task-decision', 'accept');
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.getByText('is completed').waitFor();
    await page.goto(`${url}${instancePath}`);
    await expect.poll(() => page.getByTestId('instance-status').textContent(), { timeout: 20_000 }).toBe('ended');
    // The path it took is drawn: the accepted branch, not the rejected one.
    await page.locator('.djs-connection.wf-taken[data-element-id="accepted"]').waitFor({ state: 'attached' });
    expect(await page.locator('.djs-connection.wf-taken[data-element-id="rejected"]').count()).toBe(0);
    await check('instance-ended');
    await page.goto(`${url}/console/idm/tasks`);
    await page.getByText(/No task is assigned to you/).waitFor();
    await check('inbox-empty');
  });

  it('moves a Kontent variant through its workflow to Published on the board', async () => {
    // The demo's brewing_guide starts in the first step of its workflow (editorial_review: writing → editing → published).
    await page.goto(`${url}/console/kontent`);
    const card = (step: string) => page.locator(`[data-step="${step}"] [data-item="brewing_guide"]`);
    await card('writing').waitFor();
    await page.locator('[data-step="editing"] [data-item="on_roasts"]').waitFor();
    await check('kontent-board');
    // Only the moves the workflow allows are offered: from writing, editing (not Published).
    const offered = await card('writing').locator('select option').allTextContents();
    expect(offered).toEqual(['Move…', 'Move to Editing']);
    await card('writing').locator('select').selectOption({ label: 'Move to Editing' });
    await card('editing').waitFor();
    await card('editing').locator('select').selectOption({ label: 'Publish now' });
    await card('published').waitFor();
    const k = kontent();
    const item = await k.items.get('codename/brewing_guide');
    const v = await k.variants.get(item.id, DEFAULT_LANGUAGE);
    expect(v.workflow.step_identifier.id).toBe('c199950d-99f0-4983-b711-6c4c91624b22');
    await check('kontent-published');
  });

  it('approves an IGA request as its actor from the approvals inbox', async () => {
    await page.goto(`${url}/console/iga`);
    // The demo's own request waits for the employee's manager: its actor expression read her from IDM.
    await page.getByRole('link', { name: 'Payroll', exact: true }).waitFor();
    const link = page.getByRole('link', { name: 'Payroll approver' });
    await link.waitFor();
    await check('iga-inbox');
    await link.click();
    await page.getByRole('heading', { name: 'Phases' }).waitFor();
    await page.fill('#iga-comment', 'approved in the console');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('request-status').textContent(), { timeout: 20_000 }).toMatch(/approved/);
    await page.getByText('approved in the console').waitFor();
    await check('iga-request');
    // Recorded as hers: the console acted with her token.
    const after = await iga().requests.get(seeded.id);
    expect(after.decision.comments.map((c) => c.user?.id)).toContain(ACTOR);
  });

  it('retries a dead-letter job', async () => {
    const c = idm();
    const FAILS = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn" targetNamespace="x">
  <process id="flaky" name="Flaky export" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <parallelGateway id="split"/>
    <sequenceFlow id="f1" sourceRef="split" targetRef="fix"/>
    <userTask id="fix" name="Fix the export" flowable:assignee="openidm-admin"/>
    <sequenceFlow id="f2" sourceRef="fix" targetRef="fixed"/><endEvent id="fixed"/>
    <sequenceFlow id="f3" sourceRef="split" targetRef="export"/>
    <scriptTask id="export" name="Export" scriptFormat="javascript" flowable:async="true" flowable:failedJobRetryTimeCycle="R2/PT1M"><script>if (!execution.getVariable('ok')) throw new Error('export target unreachable');</script></scriptTask>
    <sequenceFlow id="f4" sourceRef="export" targetRef="exported"/><endEvent id="exported"/>
  </process>
</definitions>`;
    const model = await c.models.create({ name: 'Flaky', bpmnXML: FAILS });
    await c.models.deploy(model._id);
    const started = await c.processInstances.create({ _key: 'flaky' });
    // Run the job until its retries are used up (the executor may take a turn too).
    let jobId: string | undefined;
    for (let i = 0; i < 50 && !jobId; i++) {
      const dead = await c.deadLetterJobs
        .list({ _queryId: 'filtered-query', processInstanceId: started._id } as never)
        .toArray();
      if (dead[0]) jobId = dead[0]._id;
      else {
        const [job] = await c.jobs.list({ _queryId: 'filtered-query', processInstanceId: started._id }).toArray();
        if (job) await c.jobs.execute(job._id).catch(() => {});
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(jobId).toBeTruthy();
    // Fix the cause: the user task sets `ok` process-wide.
    const [fix] = await c.tasks.list({ _queryId: 'filtered-query', processInstanceId: started._id }).toArray();
    await c.tasks.complete(fix!._id, { ok: true });

    await page.goto(`${url}/console/idm/jobs`);
    const card = page.getByTestId('dead-letter').filter({ hasText: 'export target unreachable' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Stack trace' }).click();
    await card
      .locator('pre.trace')
      .getByText(/export target unreachable/)
      .waitFor();
    await check('jobs-dead-letter');
    await card.getByRole('button', { name: /^Retry/ }).click();
    await page.getByText(`Retried job ${jobId}`).waitFor();
    await expect
      .poll(async () => (await c.processInstanceHistory.get(started._id)).endTime, { timeout: 20_000 })
      .toBeTruthy();
    await check('jobs-after-retry');
  });

  it('works from the keyboard alone: skip link, section links, tabs and a card move', async () => {
    await page.goto(`${url}/console/idm/processes`);
    await page.getByRole('heading', { name: 'Processes', exact: true }).waitFor();
    // The first Tab reaches the skip link; Enter moves focus into the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toMatch(/skip/i);
    /** Tabs forward until the focused element matches, as a keyboard user would; fails after 60 stops. */
    const tabTo = async (match: (el: { tag: string; text: string }) => boolean) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const el = await page.evaluate(() => ({
          tag: document.activeElement?.tagName ?? '',
          text: (document.activeElement?.textContent ?? '').trim(),
        }));
        if (match(el)) return el;
      }
      throw new Error('not reachable with Tab');
    };
    await tabTo((el) => el.tag === 'A' && el.text === 'Tasks');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Task inbox' }).waitFor();
    // Tabs as ARIA wants them: Tab reaches the selected one, arrows move between them.
    await tabTo((el) => el.text === 'My tasks');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'I may claim' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('I may claim');
    // A Kontent card moves with the keyboard: its move menu is a native select.
    await page.goto(`${url}/console/kontent`);
    const card = page.locator('[data-step="editing"] [data-item="on_roasts"]');
    await card.waitFor();
    await card.locator('select').focus();
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(async () => (await page.locator('[data-step="editing"] [data-item="on_roasts"]').count()) === 0, {
        timeout: 20_000,
      })
      .toBe(true);
  });

  it('shows the FLOW definitions and executions, with readable pages at phone width and API errors in words', async () => {
    const flow = createFlowClient({
      baseUrl: url,
      apiKey: 'wfkit-dev-flow-api-key',
      customerId: '5a1f6c2e-3b4d-4e8f-9a0b-7c6d5e4f3a21',
    });
    const defs = await flow.definitions.list().toArray();
    await page.goto(`${url}/console/flow`);
    await page.getByRole('heading', { name: 'Workflow definitions' }).waitFor();
    if (defs[0]) await page.getByRole('link', { name: defs[0].name }).waitFor();
    await check('flow');
    // A deep link to something that does not exist: the API's answer in words, not a blank page.
    await page.goto(`${url}/console/idm/instances/does-not-exist`);
    await page
      .getByRole('alert')
      .getByText(/Not found/)
      .waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/console/idm/tasks`);
    await page.getByRole('heading', { name: 'Task inbox' }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await check('phone-inbox');
    expect(consoleErrors).toEqual([]);
  });
});
