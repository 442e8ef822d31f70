/**
 * The process diagram PingIDM returns as `diagram`: the BPMN's DI (or an automatic layout) drawn as SVG with the
 * active activities outlined in red, and that SVG as a PNG. Layouts are cached per source and process.
 */
import { processDiagram } from './layout.js';
import { svgToPng, toBase64 } from './png.js';
import { renderDiagramSvg } from './svg.js';

export { configureDiagramAssets, type DiagramAssets } from './png.js';
export { HIGHLIGHT } from './svg.js';

const CACHE_SIZE = 32;
const layouts = new Map<string, ReturnType<typeof processDiagram>>();

function cachedDiagram(cacheKey: string, xml: string, processId: string) {
  let hit = layouts.get(cacheKey);
  if (hit) layouts.delete(cacheKey);
  else hit = processDiagram(xml, processId);
  layouts.set(cacheKey, hit);
  hit.catch(() => layouts.delete(cacheKey));
  while (layouts.size > CACHE_SIZE) layouts.delete(layouts.keys().next().value!);
  return hit;
}

export interface DiagramRequest {
  /** The BPMN XML the process was deployed from. */
  xml: string;
  processId: string;
  /** Identifies `xml` + `processId` for the layout cache (e.g. the definition id). */
  cacheKey: string;
  /** Activity ids to highlight (an instance's active activities). */
  highlight?: Iterable<string>;
}

/** The diagram as SVG text, or undefined when the document has no such process. */
export async function diagramSvg(req: DiagramRequest): Promise<string | undefined> {
  const d = await cachedDiagram(req.cacheKey, req.xml, req.processId);
  return d && renderDiagramSvg(d.diagram, new Set(req.highlight ?? []));
}

/** The diagram as a base64 PNG (what PingIDM puts in `diagram`). */
export async function diagramPngBase64(req: DiagramRequest): Promise<string | undefined> {
  const svg = await diagramSvg(req);
  return svg === undefined ? undefined : toBase64(await svgToPng(svg));
}
