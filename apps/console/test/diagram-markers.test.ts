import { BpmnModdle } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import { diagramMarkers, graphFromDefinitions, type ProcessGraph } from '../src/logic/diagram-markers.js';

// start → review (user task) → gateway → approve (script) → approved (end)
//                                      ↘ rejected (end)
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <userTask id="review" name="Review"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
    <exclusiveGateway id="gw"/>
    <sequenceFlow id="f3" sourceRef="gw" targetRef="approve"/>
    <sequenceFlow id="f4" sourceRef="gw" targetRef="rejected"/>
    <scriptTask id="approve"/>
    <sequenceFlow id="f5" sourceRef="approve" targetRef="sign"/>
    <userTask id="sign" name="Sign"/>
    <sequenceFlow id="f6" sourceRef="sign" targetRef="approved"/>
    <endEvent id="approved"/>
    <endEvent id="rejected"/>
  </process>
</definitions>`;

async function graph(): Promise<ProcessGraph> {
  const { rootElement } = await new BpmnModdle().fromXML(xml);
  return graphFromDefinitions(rootElement);
}

describe('diagram markers', () => {
  it('reads nodes and flows of a process from bpmn-moddle definitions', async () => {
    const g = await graph();
    expect(g.nodes.map((n) => n.id)).toEqual(['start', 'review', 'gw', 'approve', 'sign', 'approved', 'rejected']);
    expect(g.flows).toContainEqual({ id: 'f3', source: 'gw', target: 'approve' });
  });

  it('marks the waiting task and the flow into it, and nothing after it', async () => {
    const m = diagramMarkers(await graph(), { active: ['review'], completed: ['start'] });
    expect(m.active).toEqual(['review']);
    expect(m.completed).toEqual(['start']);
    expect(m.taken).toEqual(['f1']);
  });

  it('infers the unreported gateway and script task on the path to the next waiting task, not the other branch', async () => {
    const m = diagramMarkers(await graph(), { active: ['sign'], completed: ['start', 'review'] });
    expect(new Set(m.completed)).toEqual(new Set(['start', 'review', 'gw', 'approve']));
    expect(new Set(m.taken)).toEqual(new Set(['f1', 'f2', 'f3', 'f5']));
    expect(m.taken).not.toContain('f4');
  });

  it('marks the path to the end an ended instance took', async () => {
    const m = diagramMarkers(await graph(), { active: [], completed: ['start', 'review', 'rejected'] });
    expect(new Set(m.taken)).toEqual(new Set(['f1', 'f2', 'f4']));
    expect(m.completed).not.toContain('approve');
  });

  it('never infers a user task the task history does not list, and ignores ids not in the diagram', async () => {
    const m = diagramMarkers(await graph(), { active: ['ghost'], completed: ['start', 'approved'] });
    expect(m.active).toEqual([]);
    // `sign` is a user task without history: the path through it is not taken.
    expect(m.completed).not.toContain('sign');
    expect(m.taken).not.toContain('f6');
  });
});
