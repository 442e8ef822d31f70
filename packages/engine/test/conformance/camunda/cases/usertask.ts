/** usertask/UserTaskTest, TaskAssigneeTest, TaskCandidateTest, InitiatorTest, Task*ExtensionsTest. */
import { expect } from 'vitest';
import { type Area, DAY, HOUR, MINUTE } from '../harness.js';

export const usertask: Area = {
  name: 'user tasks',
  dir: 'usertask',
  cases: [
    {
      junit: 'UserTaskTest.testTaskPropertiesNotNull',
      async run(c) {
        await c.deploy();
        const id = await c.start('oneTaskProcess');
        expect(await c.active(id)).toEqual(['theTask']);
        const [t] = await c.tasks(id);
        expect(t.name).toBe('my task');
        expect(t.description).toBe('Very important');
        expect(t.priority).toBeGreaterThan(0);
        expect(t.assignee).toBe('kermit');
        expect(t.processInstanceId).toBe(id);
        expect(t.processDefinitionId).toBeTruthy();
        expect(t.taskDefinitionKey).toBeTruthy();
        expect(t.createTime).toBeTruthy();
      },
    },
    {
      junit: 'UserTaskTest.testQuerySortingWithParameter',
      async run(c) {
        await c.deploy();
        expect(await c.tasks(await c.start('oneTaskProcess'))).toHaveLength(1);
      },
    },
    {
      junit: 'UserTaskTest.testCompleteAfterParallelGateway',
      async run(c) {
        await c.deploy();
        const id = await c.start('ForkProcess');
        expect(await c.tasks(id)).toHaveLength(2);
        await c.complete('SimpleUser');
      },
    },
    {
      junit: 'UserTaskTest.testComplexScenarioWithSubprocessesAndParallelGateways',
      async run(c) {
        await c.deploy();
        expect(await c.tasks(await c.start('processWithSubProcessesAndParallelGateways'))).toHaveLength(13);
      },
    },
    {
      junit: 'UserTaskTest.testSimpleProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('financialReport');
        const [write] = await c.tasks(id);
        expect(write.name).toBe('Write monthly financial report');
        expect((await c.candidates(write)).groups).toEqual(['accountancy']);
        await c.claim(write, 'fozzie');
        expect((await c.tasks(id)).filter((t) => t.assignee === 'fozzie')).toHaveLength(1);
        await c.completeTask(write);
        const [verify] = await c.tasks(id);
        expect(verify.name).toBe('Verify monthly financial report');
        expect((await c.candidates(verify)).groups).toEqual(['management']);
        await c.completeTask(verify);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'TaskAssigneeTest.testTaskAssignee',
      async run(c) {
        await c.deploy();
        const id = await c.start('taskAssigneeExampleProcess');
        const tasks = (await c.tasks(id)).filter((t) => t.assignee === 'kermit');
        expect(tasks).toHaveLength(1);
        expect(tasks[0].name).toBe('Schedule meeting');
        expect(tasks[0].description).toBe('Schedule an engineering meeting for next week with the new hire.');
        await c.completeTask(tasks[0]);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'TaskCandidateTest.testSingleCandidateGroup',
      async run(c) {
        await c.deploy();
        const id = await c.start('singleCandidateGroup');
        const [t] = await c.tasks(id);
        expect(t.assignee).toBeNull();
        expect(t.name).toBe('Pay out expenses');
        expect((await c.candidates(t)).groups).toEqual(['accountancy']);
        await c.claim(t, 'kermit');
        expect((await c.tasks(id))[0].assignee).toBe('kermit');
        await c.completeTask(t);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'TaskCandidateTest.testMultipleCandidateGroups',
      async run(c) {
        await c.deploy();
        const id = await c.start('multipleCandidatesGroup');
        const [t] = await c.tasks(id);
        expect(t.assignee).toBeNull();
        expect(t.name).toBe('Approve expenses');
        expect((await c.candidates(t)).groups).toEqual(['accountancy', 'management']);
        await c.claim(t, 'gonzo');
        expect((await c.tasks(id))[0].assignee).toBe('gonzo');
        await c.completeTask(t);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'TaskCandidateTest.testMultipleCandidateUsers',
      async run(c) {
        await c.deploy();
        const [t] = await c.tasks(await c.start('multipleCandidateUsersExample'));
        expect((await c.candidates(t)).users).toEqual(['gonzo', 'kermit']);
      },
    },
    {
      junit: 'TaskCandidateTest.testMixedCandidateUserAndGroup',
      async run(c) {
        await c.deploy();
        const [t] = await c.tasks(await c.start('mixedCandidateUserAndGroupExample'));
        expect(await c.candidates(t)).toEqual({ users: ['kermit'], groups: ['sales'] });
      },
    },
    {
      junit: 'InitiatorTest.testInitiator',
      async run(c) {
        await c.deploy();
        // Camunda authenticates "bono"; through IDM the starting user is the caller.
        const [t] = await c.tasks(await c.start('InitiatorProcess'));
        expect(t.assignee).toBe('openidm-admin');
      },
    },
    {
      junit: 'TaskDueDateExtensionsTest.testDueDateExtension',
      async run(c) {
        await c.deploy();
        const date = '1986-07-06T12:10:00.000Z';
        const [t] = await c.tasks(await c.start('dueDateExtension', { dateVariable: date }));
        expect(t.dueDate).toBe(date);
      },
    },
    {
      junit: 'TaskDueDateExtensionsTest.testDueDateStringExtension',
      async run(c) {
        await c.deploy();
        const [t] = await c.tasks(await c.start('dueDateExtension', { dateVariable: '1986-07-06T12:10:00' }));
        expect(new Date(t.dueDate).getTime()).toBe(Date.parse('1986-07-06T12:10:00Z'));
      },
    },
    {
      junit: 'TaskDueDateExtensionsTest.testRelativeDueDate',
      async run(c) {
        await c.deploy();
        const [t] = await c.tasks(await c.start('dueDateExtension', { dateVariable: 'P2DT2H30M' }));
        expect(Date.parse(t.dueDate) - Date.parse(t.createTime)).toBe(2 * DAY + 2 * HOUR + 30 * MINUTE);
      },
    },
    {
      junit: 'TaskAssignmentExtensionsTest.testAssigneeExtension',
      async run(c) {
        await c.deploy();
        const tasks = await c.tasks(await c.start('assigneeExtension'));
        expect(tasks.filter((t) => t.assignee === 'kermit').map((t) => t.name)).toEqual(['my task']);
      },
    },
    {
      junit: 'TaskAssignmentExtensionsTest.testDuplicateAssigneeDeclaration',
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
      },
    },
    {
      junit: 'TaskAssignmentExtensionsTest.testCandidateUsersExtension',
      async run(c) {
        await c.deploy();
        const [t] = await c.tasks(await c.start('candidateUsersExtension'));
        expect((await c.candidates(t)).users).toEqual(['gonzo', 'kermit']);
      },
    },
    {
      junit: 'TaskAssignmentExtensionsTest.testCandidateGroupsExtension',
      async run(c) {
        await c.deploy();
        const [t] = await c.tasks(await c.start('candidateGroupsExtension'));
        expect(t.name).toBe('make profit');
        expect((await c.candidates(t)).groups).toEqual(['accountancy', 'management']);
      },
    },
    {
      junit: 'TaskAssignmentExtensionsTest.testMixedCandidateUserDefinition',
      async run(c) {
        await c.deploy();
        const [t] = await c.tasks(await c.start('mixedCandidateUser'));
        expect((await c.candidates(t)).users).toEqual(['fozzie', 'gonzo', 'kermit']);
      },
    },
    {
      junit: 'TaskPriorityExtensionsTest.testPriorityExtension',
      async run(c) {
        await c.deploy();
        for (const p of [25, 75]) {
          const [t] = await c.tasks(await c.start('taskPriorityExtension', { taskPriority: p }));
          expect(t.priority).toBe(p);
        }
      },
    },
    {
      junit: 'TaskPriorityExtensionsTest.testPriorityExtensionString',
      async run(c) {
        await c.deploy();
        const [t] = await c.tasks(await c.start('taskPriorityExtensionString'));
        expect(t.priority).toBe(42);
      },
    },
  ],
};
