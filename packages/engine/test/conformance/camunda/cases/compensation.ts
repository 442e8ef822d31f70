/** event/compensate/CompensateEventTest (the cases without Java compensation handlers). */
import { expect } from 'vitest';
import type { Area } from '../harness.js';

const keys = async (c: import('../harness.js').CaseContext, id: string) =>
  (await c.tasks(id)).map((t) => t.taskDefinitionKey);

export const compensation: Area = {
  name: 'compensation',
  dir: 'event/compensate',
  cases: [
    {
      junit: 'CompensateEventTest.testCompensateSubprocessInsideSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        for (const name of ['Book Hotel', 'Book Flight', 'throw compensation', 'Cancel Hotel', 'Cancel Flight'])
          await c.complete(name);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateParallelSubprocessCompHandlerWaitstate',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        const handlers = (await c.tasks(id)).filter((t) => t.taskDefinitionKey === 'undoBookHotel');
        expect(handlers).toHaveLength(5);
        expect((await c.active(id)).filter((a) => a === 'undoBookHotel')).toHaveLength(5);
        for (const t of handlers) await c.completeTask(t);
        const rest = await c.tasks(id);
        expect(rest).toHaveLength(1);
        await c.completeTask(rest[0]);
        // runtimeService.signal(processInstanceId): the receive task the instance waits in
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateSubprocessWithBoundaryEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        expect(await keys(c, id)).toEqual(['undoSubprocess']);
        await c.complete('undoSubprocess');
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateActivityInSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await c.completeTask((await c.tasks(id))[0]);
        await c.trigger(id, 'beforeCompensate');
        expect(await keys(c, id)).toEqual(['undoScopeTask']);
        await c.complete('undoScopeTask');
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateActivityInConcurrentSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await c.complete('scopeTask');
        await c.complete('outerTask');
        await c.trigger(id, 'beforeCompensate');
        expect(await keys(c, id)).toEqual(['undoScopeTask']);
        await c.complete('undoScopeTask');
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
  ],
};
