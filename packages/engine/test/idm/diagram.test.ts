import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdmApiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { decodePng, redPixels } from '../helpers/png.js';

const config = parseConfig({ WFKIT_IDM_USERS: 'openidm-admin:openidm-admin:openidm-admin' });
const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
const idmModule = createIdmApiModule();

/** start → review (user task) → approve (user task) → end, drawn left to right with BPMNDI. */
const WITH_DI = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:flowable="http://flowable.org/bpmn" targetNamespace="Examples">
  <process id="drawn" name="Drawn process" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <userTask id="review" name="Review" flowable:assignee="openidm-admin"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="approve"/>
    <userTask id="approve" name="Approve" flowable:assignee="openidm-admin"/>
    <sequenceFlow id="f3" sourceRef="approve" targetRef="end"/>
    <endEvent id="end"/>
  </process>
  <bpmndi:BPMNDiagram id="d">
    <bpmndi:BPMNPlane id="pl" bpmnElement="drawn">
      <bpmndi:BPMNShape id="s_start" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="s_review" bpmnElement="review"><dc:Bounds x="200" y="78" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="s_approve" bpmnElement="approve"><dc:Bounds x="360" y="78" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="s_end" bpmnElement="end"><dc:Bounds x="520" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="e1" bpmnElement="f1"><di:waypoint x="136" y="118"/><di:waypoint x="200" y="118"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="e2" bpmnElement="f2"><di:waypoint x="300" y="118"/><di:waypoint x="360" y="118"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="e3" bpmnElement="f3"><di:waypoint x="460" y="118"/><di:waypoint x="520" y="118"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>`;

/** The canvas starts 10 px left of and above the leftmost/topmost shape (start at 100,100; tasks at y 78). */
const ORIGIN = { x: 90, y: 68 };
const REVIEW = { x: 200 - ORIGIN.x, y: 78 - ORIGIN.y, w: 100, h: 80 };
const APPROVE = { x: 360 - ORIGIN.x, y: 78 - ORIGIN.y, w: 100, h: 80 };

describe.each(testStores())('IDM diagram field on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;

  async function call(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { ...ADMIN };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const req = new Request(`http://localhost${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(idmModule, req, res);
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  async function deploy(xml: string): Promise<string> {
    const m = await call('POST', '/openidm/workflow/model', { name: 'm', bpmnXML: xml });
    const d = await call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`);
    expect(d.status).toBe(200);
    return d.json.processDefinitionIds[0];
  }

  const png = (b64: string) => decodePng(Buffer.from(b64, 'base64'));
  const red = (img: ReturnType<typeof decodePng>, r: typeof REVIEW) =>
    redPixels(img, r.x - 3, r.y - 3, r.w + 6, r.h + 6);

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({ store: store.db, apis: [idmModule], config, jobs: { start: false }, docs: false });
    await app.ready;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('returns the waiting task outlined in red in the instance diagram, and moves the outline when it moves on', async () => {
    await deploy(WITH_DI);
    const start = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'drawn' });
    const id = start.json._id;
    const read = await call('GET', `/openidm/workflow/processinstance/${id}?_fields=,diagram`);
    expect(read.status).toBe(200);
    expect(read.json.tasks).toHaveLength(1);
    const img = png(read.json.diagram);
    if (process.env.WFKIT_DIAGRAM_OUT)
      writeFileSync(process.env.WFKIT_DIAGRAM_OUT, Buffer.from(read.json.diagram, 'base64'));
    expect(img.width).toBe(556 - 100 + 20);
    expect(img.height).toBe(158 - 78 + 20);
    expect(red(img, REVIEW)).toBeGreaterThan(2 * (REVIEW.w + REVIEW.h));
    expect(red(img, APPROVE)).toBe(0);

    const task = await call('GET', `/openidm/workflow/taskinstance?_queryId=filtered-query&processInstanceId=${id}`);
    await call('POST', `/openidm/workflow/taskinstance/${task.json.result[0]._id}?_action=complete`, {});
    const after = png(
      (await call('GET', `/openidm/workflow/processinstance/history/${id}?_fields=,diagram`)).json.diagram,
    );
    expect(red(after, REVIEW)).toBe(0);
    expect(red(after, APPROVE)).toBeGreaterThan(2 * (APPROVE.w + APPROVE.h));
  });

  it('returns no diagram unless _fields names it, and the SVG with _fields=diagramSvg', async () => {
    const start = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'drawn' });
    const plain = await call('GET', `/openidm/workflow/processinstance/${start.json._id}`);
    expect(plain.json.diagram).toBeUndefined();
    const svg = await call('GET', `/openidm/workflow/processinstance/${start.json._id}?_fields=_id,diagramSvg`);
    expect(Object.keys(svg.json).sort()).toEqual(['_id', 'diagramSvg']);
    expect(svg.json.diagramSvg).toMatch(/^<svg [^>]*width="476" height="100"/);
    expect(svg.json.diagramSvg).toContain('stroke="#ff0000"');
  });

  it('draws a definition without highlight, and lays out a BPMN file that has no DI', async () => {
    const drawn = await call(
      'GET',
      `/openidm/workflow/processdefinition/${await deploy(WITH_DI)}?_fields=_id,key,diagram`,
    );
    expect(Object.keys(drawn.json).sort()).toEqual(['_id', 'diagram', 'key']);
    const img = png(drawn.json.diagram);
    expect(red(img, REVIEW)).toBe(0);
    expect(img.width).toBe(476);

    const bare = bpmn(
      `<startEvent id="s"/>${flow('a', 's', 't')}<userTask id="t" name="Decide"/>${flow('b', 't', 'e')}<endEvent id="e"/>`,
      { id: 'bare' },
    );
    const defId = await deploy(bare);
    const def = await call('GET', `/openidm/workflow/processdefinition/${defId}?_fields=,diagram`);
    expect(def.json.key).toBe('bare');
    const laidOut = png(def.json.diagram);
    expect(laidOut.width).toBeGreaterThan(200);
    const inst = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'bare' });
    const withTask = png(
      (await call('GET', `/openidm/workflow/processinstance/${inst.json._id}?_fields=,diagram`)).json.diagram,
    );
    expect(redPixels(withTask, 0, 0, withTask.width, withTask.height)).toBeGreaterThan(200);
  });
});
