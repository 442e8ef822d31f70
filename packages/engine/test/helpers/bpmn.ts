import { readFileSync } from 'node:fs';

/** Wraps process content in a BPMN definitions document with the activiti namespace. */
export function bpmn(
  body: string,
  opts: { id?: string; name?: string; ns?: 'activiti' | 'flowable'; roots?: string } = {},
): string {
  const ns = opts.ns ?? 'activiti';
  const uri = ns === 'activiti' ? 'http://activiti.org/bpmn' : 'http://flowable.org/bpmn';
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:${ns}="${uri}" targetNamespace="test">
${opts.roots ?? ''}
<process id="${opts.id ?? 'p'}" name="${opts.name ?? 'Test process'}" isExecutable="true">
${body}
</process>
</definitions>`;
}

/** A condition expression element. */
export function cond(expr: string): string {
  return `<conditionExpression xsi:type="tFormalExpression"><![CDATA[${expr}]]></conditionExpression>`;
}

export function flow(id: string, from: string, to: string, condition?: string): string {
  return condition
    ? `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}">${cond(condition)}</sequenceFlow>`
    : `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}
