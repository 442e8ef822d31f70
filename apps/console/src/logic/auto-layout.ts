/**
 * Diagram interchange for BPMN that has none (shapes and edges), so that every deployable process can be drawn and
 * marked. bpmn-auto-layout follows each element's `incoming`/`outgoing`, which BPMN files often leave out (they are
 * optional: the sequence flows' `sourceRef`/`targetRef` say the same), so they are filled in first.
 */
import { layoutProcess } from 'bpmn-auto-layout';
import { BpmnModdle } from 'bpmn-moddle';

interface Element {
  $type: string;
  flowElements?: Element[];
  sourceRef?: Element;
  targetRef?: Element;
  get(name: 'incoming' | 'outgoing'): Element[];
}

export function hasDiagram(xml: string): boolean {
  return /<([\w-]+:)?BPMNShape\b/.test(xml);
}

export async function withDiagram(xml: string): Promise<string> {
  if (hasDiagram(xml)) return xml;
  const moddle = new BpmnModdle();
  const { rootElement } = await moddle.fromXML(xml);
  const link = (elements: Element[] = []) => {
    for (const e of elements) {
      if (e.$type === 'bpmn:SequenceFlow' && e.sourceRef && e.targetRef) {
        const out = e.sourceRef.get('outgoing');
        if (!out.includes(e)) out.push(e);
        const into = e.targetRef.get('incoming');
        if (!into.includes(e)) into.push(e);
      }
      if (e.flowElements) link(e.flowElements);
    }
  };
  for (const root of (rootElement as { rootElements?: Element[] }).rootElements ?? []) link(root.flowElements);
  const { xml: linked } = await moddle.toXML(rootElement);
  return layoutProcess(linked);
}
