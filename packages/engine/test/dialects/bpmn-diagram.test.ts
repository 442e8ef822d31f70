import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagramPngBase64, diagramSvg } from '../../src/dialects/bpmn/diagram/index.js';
import { bpmn, fixture, flow } from '../helpers/bpmn.js';
import { decodePng, redPixels } from '../helpers/png.js';

const NO_DI = bpmn(
  `<startEvent id="start"/>${flow('f1', 'start', 'review')}
   <userTask id="review" name="Review the request"/>${flow('f2', 'review', 'gw')}
   <exclusiveGateway id="gw"/>${flow('f3', 'gw', 'end')}
   <endEvent id="end"/>`,
);

describe('BPMN diagram', () => {
  it("draws the file's own DI, with the highlighted activity outlined in red", async () => {
    const xml = fixture('contractorOnboarding.bpmn20.xml');
    const svg = await diagramSvg({
      xml,
      processId: 'contractorOnboarding',
      cacheKey: 'co',
      highlight: ['decideApprovalTask'],
    });
    expect(svg).toContain('<svg');
    expect(svg).toContain('#ff0000');
    const b64 = await diagramPngBase64({
      xml,
      processId: 'contractorOnboarding',
      cacheKey: 'co',
      highlight: ['decideApprovalTask'],
    });
    const png = Buffer.from(b64!, 'base64');
    if (process.env.WFKIT_DIAGRAM_OUT) writeFileSync(process.env.WFKIT_DIAGRAM_OUT, png);
    const img = decodePng(png);
    expect(img.width).toBeGreaterThan(300);
    expect(img.height).toBeGreaterThan(100);
    expect(redPixels(img, 0, 0, img.width, img.height)).toBeGreaterThan(100);
  });

  it('lays out a file without DI and highlights nothing when no activity is active', async () => {
    const svg = await diagramSvg({ xml: NO_DI, processId: 'p', cacheKey: 'nodi' });
    expect(svg).toContain('Review the');
    expect(svg).not.toContain('#ff0000');
    const img = decodePng(
      Buffer.from((await diagramPngBase64({ xml: NO_DI, processId: 'p', cacheKey: 'nodi' }))!, 'base64'),
    );
    expect(img.width).toBeGreaterThan(200);
    expect(redPixels(img, 0, 0, img.width, img.height)).toBe(0);
  });

  it('answers undefined for a process the document does not define', async () => {
    expect(await diagramSvg({ xml: NO_DI, processId: 'other', cacheKey: 'nodi-other' })).toBeUndefined();
  });
});
