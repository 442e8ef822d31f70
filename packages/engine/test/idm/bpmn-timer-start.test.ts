import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

const HOUR = 60 * 60_000;

/** A process started by a timer start event; `timer` is the timerEventDefinition's content. */
const timerStarted = (key: string, timer: string, attrs = '', task = 'Started by timer') =>
  bpmn(
    `<startEvent id="timerStart"><timerEventDefinition ${attrs}>${timer}</timerEventDefinition></startEvent>
     ${flow('f1', 'timerStart', 'task')}<userTask id="task" name="${task}"/>`,
    { id: key, ns: 'flowable' },
  );

/**
 * Timer start events and repeating timers (after Camunda 7's TimerStartEventTest and
 * BoundaryTimerNonInterruptingEventTest): armed on deploy, replaced on redeploy, cycles with a count or an end date.
 */
describe.each(testStores())('BPMN timer start events and cycles on $name', (factory) => {
  let h: IdmHarness;
  beforeAll(async () => {
    h = await idmHarness(factory);
  });
  afterAll(() => h.close());

  const instances = async (key: string) =>
    (
      await h.call(
        'GET',
        `/openidm/workflow/processinstance/history?_queryId=filtered-query&processDefinitionKey=${key}`,
      )
    ).json.result;
  const jobsOf = async (definitionIds: string[]) =>
    (await h.jobs()).filter((j) => definitionIds.includes(j.processDefinitionId));

  it('starts once after a duration (testDurationStartTimerEvent)', async () => {
    const ids = await h.deployOk(timerStarted('afterDuration', '<timeDuration>PT1H</timeDuration>'));
    expect(await jobsOf(ids)).toHaveLength(1);
    await h.advance(HOUR / 2);
    expect(await instances('afterDuration')).toHaveLength(0);
    await h.advance(HOUR);
    const started = await instances('afterDuration');
    expect(started).toHaveLength(1);
    expect(started[0].startActivityId).toBe('timerStart');
    expect((await h.tasks(started[0]._id)).map((t) => t.name)).toEqual(['Started by timer']);
    expect(await jobsOf(ids)).toEqual([]);
  });

  it('starts at a fixed date (testFixedDateStartTimerEvent)', async () => {
    const at = new Date(h.clock.now().getTime() + 3 * HOUR).toISOString();
    await h.deployOk(timerStarted('atDate', `<timeDate>${at}</timeDate>`));
    await h.advance(2 * HOUR);
    expect(await instances('atDate')).toHaveLength(0);
    await h.advance(2 * HOUR);
    expect(await instances('atDate')).toHaveLength(1);
  });

  it('repeats R3/PT1H three times, then stops (testCycleWithLimitStartTimerEvent)', async () => {
    const ids = await h.deployOk(timerStarted('threeTimes', '<timeCycle>R3/PT1H</timeCycle>'));
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await h.advance(HOUR + 1000);
      counts.push((await instances('threeTimes')).length);
    }
    expect(counts).toEqual([1, 2, 3, 3, 3]);
    expect(await jobsOf(ids)).toEqual([]);
  });

  it('repeats R/PT1H until its end date (flowable:endDate)', async () => {
    const end = new Date(h.clock.now().getTime() + 2.5 * HOUR).toISOString();
    await h.deployOk(timerStarted('untilEnd', '<timeCycle>R/PT1H</timeCycle>', `flowable:endDate="${end}"`));
    for (let i = 0; i < 4; i++) await h.advance(HOUR + 1000);
    expect(await instances('untilEnd')).toHaveLength(2);
  });

  it('starts on a cron cycle at each full hour (Quartz syntax, as Flowable reads it)', async () => {
    await h.deployOk(timerStarted('hourly', '<timeCycle>0 0 * * * ?</timeCycle>'));
    const toFullHour = HOUR - (h.clock.now().getTime() % HOUR);
    await h.advance(toFullHour - 1000);
    expect(await instances('hourly')).toHaveLength(0);
    await h.advance(1000);
    expect(await instances('hourly')).toHaveLength(1);
    await h.advance(HOUR);
    const started = await instances('hourly');
    expect(started).toHaveLength(2);
    expect(started.map((i: any) => new Date(i.startTime).getTime() % HOUR)).toEqual([0, 0]);
  });

  it('keeps one timer per key across redeploys and starts the latest version (testTimerShouldNotBeRecreatedOnDeploymentCacheReboot)', async () => {
    const v1 = await h.deployOk(timerStarted('redeployed', '<timeCycle>R/PT1H</timeCycle>', '', 'v1'));
    const v2 = await h.deployOk(timerStarted('redeployed', '<timeCycle>R/PT1H</timeCycle>', '', 'v2'));
    expect(await jobsOf([...v1, ...v2])).toHaveLength(1);
    expect((await jobsOf(v2))[0]).toBeDefined();
    await h.advance(HOUR + 1000);
    const [started] = await instances('redeployed');
    expect(started.processDefinitionId).toBe(v2[0]);
    // a version without the timer start event disarms it
    const v3 = await h.deployOk(
      bpmn(`<startEvent id="s"/>${flow('f', 's', 'e')}<endEvent id="e"/>`, { id: 'redeployed' }),
    );
    expect(await jobsOf([...v1, ...v2, ...v3])).toEqual([]);
  });

  it('fires a non-interrupting cycle boundary timer R2/PT1H twice (testTimerWithCycle)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'work')}<userTask id="work" name="Work"/>
         ${flow('f2', 'work', 'end')}<endEvent id="end"/>
         <boundaryEvent id="remind" attachedToRef="work" cancelActivity="false">
           <timerEventDefinition><timeCycle>R2/PT1H</timeCycle></timerEventDefinition></boundaryEvent>
         ${flow('f3', 'remind', 'reminder')}<userTask id="reminder" name="Reminder"/>`,
        { id: 'reminders' },
      ),
    );
    const s = await h.start('reminders');
    const names = async () => (await h.tasks(s.json._id)).map((t) => t.name).sort();
    await h.advance(HOUR + 1000);
    expect(await names()).toEqual(['Reminder', 'Work']);
    await h.advance(HOUR + 1000);
    expect(await names()).toEqual(['Reminder', 'Reminder', 'Work']);
    await h.advance(5 * HOUR);
    expect(await names()).toEqual(['Reminder', 'Reminder', 'Work']);
    expect(await h.jobs(s.json._id)).toEqual([]);
  });
});
