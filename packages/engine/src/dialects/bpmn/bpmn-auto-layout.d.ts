declare module 'bpmn-auto-layout' {
  /** Returns the BPMN XML with diagram interchange for the document's first process. */
  export function layoutProcess(xml: string): Promise<string>;
}
