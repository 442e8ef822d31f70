/** multiinstance/MultiInstanceTest (user tasks, receive tasks, sub-processes; not the Groovy script tasks). */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const SEQUENTIAL = ['multiinstance/MultiInstanceTest.sequentialUserTasks.bpmn20.xml'];

/** Completes the only task `times` times (tasks of this case, any instance). */
const completeOnly = async (c: CaseContext, times: number) => {
  for (let i = 0; i < times; i++) {
    const tasks = await c.tasks();
    expect(tasks).toHaveLength(1);
    await c.completeTask(tasks[0]);
  }
};

/** Runs the only job (a timer) now and completes the task after it. */
const timerThenTaskAfter = async (c: CaseContext, id: string) => {
  const jobs = await c.jobs(id);
  expect(jobs).toHaveLength(1);
  expect((await c.executeJob(jobs[0]._id)).status).toBe(200);
  const tasks = await c.tasks(id);
  expect(tasks.map((t) => t.taskDefinitionKey)).toEqual(['taskAfterTimer']);
  await c.completeTask(tasks[0]);
  await c.assertEnded(id);
};

export const multiinstance: Area = {
  name: 'multi-instance',
  dir: 'multiinstance',
  cases: [
    {
      junit: 'MultiInstanceTest.testSequentialUserTasks',
      resources: SEQUENTIAL,
      async run(c) {
        await c.deploy();
        const id = await c.start('miSequentialUserTasks', { nrOfLoops: 3 });
        for (const i of [0, 1, 2]) {
          expect(await c.active(id)).toEqual(['miTasks']);
          const [t] = await c.tasks(id);
          expect(t.name).toBe('My Task');
          expect(t.assignee).toBe(`kermit_${i}`);
          await c.completeTask(t);
        }
        expect(await c.tasks(id)).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testSequentialUserTasksHistory',
      resources: SEQUENTIAL,
      async run(c) {
        await c.deploy();
        const id = await c.start('miSequentialUserTasks', { nrOfLoops: 4 });
        await completeOnly(c, 4);
        const r = await c.h.call(
          'GET',
          `/openidm/workflow/taskinstance/history?_queryFilter=${encodeURIComponent(`processInstanceId eq "${id}"`)}`,
        );
        expect(r.json.result).toHaveLength(4);
      },
    },
    {
      junit: 'MultiInstanceTest.testSequentialUserTasksWithTimer',
      resources: SEQUENTIAL,
      async run(c) {
        await c.deploy();
        const id = await c.start('miSequentialUserTasks', { nrOfLoops: 3 });
        await completeOnly(c, 1);
        await timerThenTaskAfter(c, id);
      },
    },
    {
      junit: 'MultiInstanceTest.testSequentialUserTasksCompletionCondition',
      resources: SEQUENTIAL,
      async run(c) {
        await c.deploy();
        const id = await c.start('miSequentialUserTasks', { nrOfLoops: 10 });
        await completeOnly(c, 5);
        expect(await c.tasks(id)).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testNestedSequentialUserTasks',
      async run(c) {
        await c.deploy();
        const id = await c.start('miNestedSequentialUserTasks');
        for (let i = 0; i < 3; i++) {
          const tasks = (await c.tasks(id)).filter((t) => t.assignee === 'kermit');
          expect(tasks.map((t) => t.name)).toEqual(['My Task']);
          expect(await c.active(id)).toEqual(['miTasks']);
          await c.completeTask(tasks[0]);
        }
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelUserTasks',
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelUserTasks');
        const tasks = await c.tasks(id);
        expect(tasks.map((t) => t.name)).toEqual(['My Task 0', 'My Task 1', 'My Task 2']);
        expect(await c.active(id)).toEqual(['miTasks', 'miTasks', 'miTasks']);
        await c.completeTask(tasks[0]);
        expect(await c.active(id)).toEqual(['miTasks', 'miTasks']);
        await c.completeTask(tasks[1]);
        expect(await c.active(id)).toEqual(['miTasks']);
        await c.completeTask(tasks[2]);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelReceiveTasks',
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelReceiveTasks');
        expect(await c.active(id)).toEqual(['miTasks', 'miTasks', 'miTasks']);
        // Camunda's messageEventReceived on a receive task is Flowable's trigger.
        for (let i = 0; i < 3; i++) expect((await c.trigger(id, 'miTasks')).status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelReceiveTasksAssertEventSubscriptionRemoval',
      resources: ['multiinstance/MultiInstanceTest.testParallelReceiveTasks.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelReceiveTasks');
        expect((await c.trigger(id, 'miTasks')).status).toBe(200);
        expect(await c.active(id)).toEqual(['miTasks', 'miTasks']);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelUserTasksHistory',
      resources: ['multiinstance/MultiInstanceTest.testParallelUserTasks.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelUserTasks');
        for (const t of await c.tasks(id)) await c.completeTask(t);
        const r = await c.h.call(
          'GET',
          `/openidm/workflow/taskinstance/history?_queryFilter=${encodeURIComponent(`processInstanceId eq "${id}"`)}`,
        );
        expect(r.json.result.map((t: any) => t.assignee).sort()).toEqual(['kermit_0', 'kermit_1', 'kermit_2']);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelUserTasksWithTimer',
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelUserTasksWithTimer');
        await c.completeTask((await c.tasks(id))[0]);
        await timerThenTaskAfter(c, id);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelUserTasksCompletionCondition',
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelUserTasksCompletionCondition');
        const tasks = await c.tasks(id);
        expect(tasks).toHaveLength(5);
        for (let i = 0; i < 3; i++) {
          expect(await c.tasks(id)).toHaveLength(5 - i);
          await c.completeTask(tasks[i]);
        }
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelUserTasksBasedOnCollection',
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelUserTasksBasedOnCollection', {
          assigneeList: ['kermit', 'gonzo', 'mispiggy', 'fozzie', 'bubba'],
        });
        const tasks = (await c.tasks(id)).sort((a, b) => a.assignee.localeCompare(b.assignee));
        expect(tasks.map((t) => t.assignee)).toEqual(['bubba', 'fozzie', 'gonzo', 'kermit', 'mispiggy']);
        for (const t of tasks.slice(0, 3)) await c.completeTask(t);
        expect(await c.tasks(id)).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testEmptyCollectionInMI',
      resources: ['multiinstance/MultiInstanceTest.testParallelUserTasksBasedOnCollection.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelUserTasksBasedOnCollection', { assigneeList: [] });
        expect(await c.tasks(id)).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelUserTasksCustomExtensions',
      async run(c) {
        await c.deploy();
        const assignees = ['kermit', 'gonzo', 'fozzie'];
        const id = await c.start('miSequentialUserTasks', { assigneeList: assignees });
        for (const a of assignees) {
          const [t] = await c.tasks(id);
          expect(t.assignee).toBe(a);
          await c.completeTask(t);
        }
      },
    },
    {
      junit: 'MultiInstanceTest.testNestedParallelUserTasks',
      async run(c) {
        await c.deploy();
        const id = await c.start('miNestedParallelUserTasks');
        for (const t of (await c.tasks(id)).filter((x) => x.assignee === 'kermit')) {
          expect(t.name).toBe('My Task');
          await c.completeTask(t);
        }
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testSequentialSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('miSequentialSubprocess');
        for (let i = 0; i < 4; i++) {
          const tasks = await c.tasks(id);
          expect(tasks.map((t) => t.name)).toEqual(['task one', 'task two']);
          await c.completeTask(tasks[0]);
          await c.completeTask(tasks[1]);
          if (i !== 3) expect(await c.active(id)).toHaveLength(2);
        }
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testSequentialSubProcessEndEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('miSequentialSubprocess');
        for (let i = 0; i < 4; i++) {
          const tasks = await c.tasks(id);
          expect(tasks.map((t) => t.name)).toEqual(['task one']);
          await c.completeTask(tasks[0]);
          if (i !== 3) expect(await c.active(id)).toHaveLength(1);
        }
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testSequentialSubProcessWithTimer',
      async run(c) {
        await c.deploy();
        const id = await c.start('miSequentialSubprocessWithTimer');
        const tasks = await c.tasks(id);
        expect(tasks).toHaveLength(2);
        for (const t of tasks) await c.completeTask(t);
        expect(await c.tasks(id)).toHaveLength(2);
        await timerThenTaskAfter(c, id);
      },
    },
    {
      junit: 'MultiInstanceTest.testSequentialSubProcessCompletionCondition',
      async run(c) {
        await c.deploy();
        const id = await c.start('miSequentialSubprocessCompletionCondition');
        for (let i = 0; i < 3; i++) {
          const tasks = await c.tasks(id);
          expect(tasks.map((t) => t.name)).toEqual(['task one', 'task two']);
          for (const t of tasks) await c.completeTask(t);
        }
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testNestedSequentialSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('miNestedSequentialSubProcess');
        for (let i = 0; i < 3; i++) {
          const tasks = (await c.tasks(id)).filter((t) => t.assignee === 'kermit');
          expect(tasks).toHaveLength(2);
          for (const t of tasks) await c.completeTask(t);
        }
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MultiInstanceTest.testNestedSequentialSubProcessWithTimer',
      async run(c) {
        await c.deploy();
        const id = await c.start('miNestedSequentialSubProcessWithTimer');
        for (let i = 0; i < 2; i++) {
          const tasks = (await c.tasks(id)).filter((t) => t.assignee === 'kermit');
          await c.completeTask(tasks[0]);
          await c.completeTask(tasks[1]);
        }
        await c.completeTask((await c.tasks(id)).filter((t) => t.assignee === 'kermit')[0]);
        await timerThenTaskAfter(c, id);
      },
    },
    {
      junit: 'MultiInstanceTest.testParallelSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('miParallelSubprocess');
        const tasks = await c.tasks(id);
        expect(tasks).toHaveLength(4);
        for (const t of tasks) await c.completeTask(t);
        await c.assertEnded(id);
      },
    },
  ],
};
