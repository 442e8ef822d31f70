/**
 * The diagram interchange of one process: the file's own BPMNDI when it draws the process, otherwise a layout made
 * by bpmn-auto-layout (as the bpmn.io modeler does for files without DI).
 */
import { layoutProcess } from 'bpmn-auto-layout';
import { getModdle, type ModdleElement, parseBpmn } from '../compile.js';
import { diagramFor } from './svg.js';

export interface ProcessDiagram {
  /** The BPMNDiagram drawing the process. */
  diagram: ModdleElement;
  /** True when the file had no DI for the process and it was laid out automatically. */
  autoLayout: boolean;
}

/**
 * Finds or makes the DI of `processId` in `xml`. bpmn-auto-layout lays out the first process of a document, so the
 * process is moved into a document of its own (with the messages, signals and errors it may refer to) first.
 */
export async function processDiagram(xml: string, processId: string): Promise<ProcessDiagram | undefined> {
  const parsed = await parseBpmn(xml);
  const defs = parsed.definitions;
  if (!defs) return undefined;
  const own = diagramFor(defs, processId);
  if (own) return { diagram: own, autoLayout: false };
  const proc = (defs.rootElements ?? []).find((e: ModdleElement) => e.$type === 'bpmn:Process' && e.id === processId);
  if (!proc) return undefined;
  defs.rootElements = defs.rootElements.filter(
    (e: ModdleElement) => e === proc || (e.$type !== 'bpmn:Process' && e.$type !== 'bpmn:Collaboration'),
  );
  defs.diagrams = [];
  const { xml: single } = await getModdle().toXML(defs);
  const laidOut = await parseBpmn(await layoutProcess(single));
  const diagram = laidOut.definitions && diagramFor(laidOut.definitions, processId);
  return diagram ? { diagram, autoLayout: true } : undefined;
}
