// bpmn-moddle ships no types; the tests use only this.
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    fromXML(xml: string): Promise<{ rootElement: unknown }>;
  }
}
