import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasDiagram, withDiagram } from '../src/logic/auto-layout.js';

const noDi = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
    <userTask id="task" name="Task"/>
    <sequenceFlow id="f2" sourceRef="task" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

describe('diagram interchange for BPMN without one', () => {
  it('lays out shapes left to right and draws every sequence flow, though the file lists no incoming/outgoing', async () => {
    expect(hasDiagram(noDi)).toBe(false);
    const xml = await withDiagram(noDi);
    expect(hasDiagram(xml)).toBe(true);
    for (const id of ['start', 'task', 'end']) expect(xml).toMatch(new RegExp(`BPMNShape[^>]*bpmnElement="${id}"`));
    for (const id of ['f1', 'f2']) expect(xml).toMatch(new RegExp(`BPMNEdge[^>]*bpmnElement="${id}"`));
    const x = (id: string) => Number(new RegExp(`bpmnElement="${id}"[^]*?<dc:Bounds x="(\\d+)"`).exec(xml)![1]);
    expect(x('start')).toBeLessThan(x('task'));
    expect(x('task')).toBeLessThan(x('end'));
  });

  it('leaves a file with its own diagram as it is', async () => {
    const own = readFileSync(
      new URL('../../server/test/fixtures/equipment-request.bpmn20.xml', import.meta.url),
      'utf8',
    );
    expect(await withDiagram(own)).toBe(own);
  });
});
