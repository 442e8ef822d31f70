// bpmn-auto-layout and bpmn-moddle ship no types; the console uses only this.
declare module 'bpmn-auto-layout' {
  export function layoutProcess(xml: string): Promise<string>;
}
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    fromXML(xml: string): Promise<{ rootElement: unknown }>;
    toXML(element: unknown): Promise<{ xml: string }>;
  }
}
