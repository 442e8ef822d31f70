/**
 * BPMN diagram interchange (BPMNDI) → SVG. Draws the shapes and edges of one BPMNDiagram the way Flowable's process
 * diagram generator does (white canvas, black outlines, activities as rounded boxes, events as circles, gateways as
 * diamonds) and outlines the highlighted activities in red, as Flowable marks an instance's active activities.
 */
import type { ModdleElement } from '../compile.js';

/** Flowable's highlight colour and stroke (ProcessDiagramCanvas: HIGHLIGHT_COLOR = red, 3px). */
export const HIGHLIGHT = '#ff0000';
const STROKE = '#000000';
const FONT = 'font-family="DejaVu Sans, sans-serif"';
const MARGIN = 10;

interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => Math.round(v * 10) / 10;

/** Splits a label into lines that fit `width` (DejaVu Sans averages ~0.6em per character). */
function wrap(text: string, width: number, size: number): string[] {
  const max = Math.max(1, Math.floor(width / (size * 0.6)));
  const lines: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (!line) line = word;
      else if (line.length + 1 + word.length <= max) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
      while (line.length > max) {
        lines.push(line.slice(0, max));
        line = line.slice(max);
      }
    }
    if (line) lines.push(line);
  }
  return lines;
}

function textBlock(text: string, b: Bounds, size: number, valign: 'middle' | 'top' = 'middle'): string {
  const lines = wrap(text, b.width - 6, size);
  if (!lines.length) return '';
  const lh = size * 1.2;
  const cx = b.x + b.width / 2;
  const top = valign === 'top' ? b.y + 4 + size : b.y + b.height / 2 - ((lines.length - 1) * lh) / 2 + size * 0.35;
  return `<text ${FONT} font-size="${size}" text-anchor="middle" fill="${STROKE}">${lines
    .map((l, i) => `<tspan x="${n(cx)}" y="${n(top + i * lh)}">${esc(l)}</tspan>`)
    .join('')}</text>`;
}

const isType = (el: ModdleElement, ...types: string[]) => types.some((t) => el?.$instanceOf?.(t) ?? el?.$type === t);

function eventMarker(el: ModdleElement, cx: number, cy: number, r: number, throwing: boolean): string {
  const d = el.eventDefinitions?.[0];
  if (!d) return '';
  const fill = throwing ? STROKE : 'none';
  const s = r / 18;
  const t = d.$type as string;
  if (t === 'bpmn:TimerEventDefinition') {
    const ticks = Array.from({ length: 12 }, (_, i) => {
      const a = (i * Math.PI) / 6;
      return `M${n(cx + Math.cos(a) * 8 * s)},${n(cy + Math.sin(a) * 8 * s)} L${n(cx + Math.cos(a) * 10 * s)},${n(cy + Math.sin(a) * 10 * s)}`;
    }).join(' ');
    return `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(11 * s)}" fill="white" stroke="${STROKE}"/><path d="${ticks} M${n(cx)},${n(cy)} L${n(cx)},${n(cy - 7 * s)} M${n(cx)},${n(cy)} L${n(cx + 5 * s)},${n(cy + 2 * s)}" stroke="${STROKE}" fill="none"/>`;
  }
  if (t === 'bpmn:MessageEventDefinition') {
    const w = 18 * s;
    const h = 12 * s;
    const x = cx - w / 2;
    const y = cy - h / 2;
    return `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${throwing ? STROKE : 'white'}" stroke="${STROKE}"/><path d="M${n(x)},${n(y)} L${n(cx)},${n(cy)} L${n(x + w)},${n(y)}" fill="none" stroke="${throwing ? 'white' : STROKE}"/>`;
  }
  if (t === 'bpmn:SignalEventDefinition') {
    const h = 14 * s;
    return `<path d="M${n(cx)},${n(cy - h * 0.6)} L${n(cx + h * 0.6)},${n(cy + h * 0.45)} L${n(cx - h * 0.6)},${n(cy + h * 0.45)} Z" fill="${fill}" stroke="${STROKE}"/>`;
  }
  if (t === 'bpmn:ErrorEventDefinition') {
    return `<path d="M${n(cx - 8 * s)},${n(cy + 8 * s)} L${n(cx - 3 * s)},${n(cy - 7 * s)} L${n(cx + 2 * s)},${n(cy + 2 * s)} L${n(cx + 8 * s)},${n(cy - 8 * s)} L${n(cx + 3 * s)},${n(cy + 7 * s)} L${n(cx - 2 * s)},${n(cy - 2 * s)} Z" fill="${fill}" stroke="${STROKE}"/>`;
  }
  if (t === 'bpmn:EscalationEventDefinition') {
    return `<path d="M${n(cx)},${n(cy - 9 * s)} L${n(cx + 6 * s)},${n(cy + 8 * s)} L${n(cx)},${n(cy + 2 * s)} L${n(cx - 6 * s)},${n(cy + 8 * s)} Z" fill="${fill}" stroke="${STROKE}"/>`;
  }
  if (t === 'bpmn:CompensateEventDefinition') {
    return `<path d="M${n(cx - 9 * s)},${n(cy)} L${n(cx - 1 * s)},${n(cy - 6 * s)} L${n(cx - 1 * s)},${n(cy + 6 * s)} Z M${n(cx - 1 * s)},${n(cy)} L${n(cx + 7 * s)},${n(cy - 6 * s)} L${n(cx + 7 * s)},${n(cy + 6 * s)} Z" fill="${fill}" stroke="${STROKE}"/>`;
  }
  if (t === 'bpmn:TerminateEventDefinition') {
    return `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r * 0.6)}" fill="${STROKE}"/>`;
  }
  if (t === 'bpmn:ConditionalEventDefinition') {
    const w = 12 * s;
    return `<rect x="${n(cx - w / 2)}" y="${n(cy - w * 0.7)}" width="${n(w)}" height="${n(w * 1.4)}" fill="white" stroke="${STROKE}"/><path d="M${n(cx - w / 3)},${n(cy - w / 3)} h${n(w * 0.66)} M${n(cx - w / 3)},${n(cy)} h${n(w * 0.66)} M${n(cx - w / 3)},${n(cy + w / 3)} h${n(w * 0.66)}" stroke="${STROKE}"/>`;
  }
  return '';
}

function gatewayMarker(el: ModdleElement, cx: number, cy: number, size: number): string {
  const s = size / 50;
  if (isType(el, 'bpmn:ExclusiveGateway'))
    return `<path d="M${n(cx - 8 * s)},${n(cy - 8 * s)} L${n(cx + 8 * s)},${n(cy + 8 * s)} M${n(cx + 8 * s)},${n(cy - 8 * s)} L${n(cx - 8 * s)},${n(cy + 8 * s)}" stroke="${STROKE}" stroke-width="3"/>`;
  if (isType(el, 'bpmn:ParallelGateway'))
    return `<path d="M${n(cx)},${n(cy - 11 * s)} L${n(cx)},${n(cy + 11 * s)} M${n(cx - 11 * s)},${n(cy)} L${n(cx + 11 * s)},${n(cy)}" stroke="${STROKE}" stroke-width="3"/>`;
  if (isType(el, 'bpmn:InclusiveGateway'))
    return `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(10 * s)}" fill="none" stroke="${STROKE}" stroke-width="2.5"/>`;
  if (isType(el, 'bpmn:EventBasedGateway')) {
    const p = Array.from({ length: 5 }, (_, i) => {
      const a = -Math.PI / 2 + (i * 2 * Math.PI) / 5;
      return `${n(cx + Math.cos(a) * 7 * s)},${n(cy + Math.sin(a) * 7 * s)}`;
    }).join(' ');
    return `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(12 * s)}" fill="none" stroke="${STROKE}"/><circle cx="${n(cx)}" cy="${n(cy)}" r="${n(10 * s)}" fill="none" stroke="${STROKE}"/><polygon points="${p}" fill="none" stroke="${STROKE}"/>`;
  }
  if (isType(el, 'bpmn:ComplexGateway'))
    return `<path d="M${n(cx)},${n(cy - 11 * s)} V${n(cy + 11 * s)} M${n(cx - 11 * s)},${n(cy)} H${n(cx + 11 * s)} M${n(cx - 8 * s)},${n(cy - 8 * s)} L${n(cx + 8 * s)},${n(cy + 8 * s)} M${n(cx + 8 * s)},${n(cy - 8 * s)} L${n(cx - 8 * s)},${n(cy + 8 * s)}" stroke="${STROKE}" stroke-width="3"/>`;
  return '';
}

/** A small glyph in the top-left corner naming the task type. */
function taskMarker(el: ModdleElement, b: Bounds): string {
  const x = b.x + 6;
  const y = b.y + 6;
  if (isType(el, 'bpmn:UserTask'))
    return `<circle cx="${x + 7}" cy="${y + 5}" r="4" fill="none" stroke="${STROKE}"/><path d="M${x},${y + 16} q0,-7 7,-7 q7,0 7,7 Z" fill="none" stroke="${STROKE}"/>`;
  if (isType(el, 'bpmn:ScriptTask'))
    return `<path d="M${x + 3},${y} h10 q-4,4 0,8 q4,4 0,8 h-10 q4,-4 0,-8 q-4,-4 0,-8 Z M${x + 4},${y + 4} h6 M${x + 5},${y + 8} h6 M${x + 4},${y + 12} h6" fill="none" stroke="${STROKE}"/>`;
  if (isType(el, 'bpmn:ServiceTask', 'bpmn:BusinessRuleTask'))
    return `<circle cx="${x + 8}" cy="${y + 8}" r="6" fill="none" stroke="${STROKE}" stroke-width="2.5" stroke-dasharray="3 2"/><circle cx="${x + 8}" cy="${y + 8}" r="2.5" fill="none" stroke="${STROKE}"/>`;
  if (isType(el, 'bpmn:ReceiveTask', 'bpmn:SendTask'))
    return `<rect x="${x}" y="${y + 2}" width="16" height="11" fill="${isType(el, 'bpmn:SendTask') ? STROKE : 'none'}" stroke="${STROKE}"/><path d="M${x},${y + 2} l8,6 l8,-6" fill="none" stroke="${isType(el, 'bpmn:SendTask') ? 'white' : STROKE}"/>`;
  if (isType(el, 'bpmn:ManualTask'))
    return `<path d="M${x},${y + 6} h12 v8 h-12 Z M${x + 3},${y + 6} v-4 h9" fill="none" stroke="${STROKE}"/>`;
  return '';
}

function loopMarker(el: ModdleElement, b: Bounds): string {
  const lc = el.loopCharacteristics;
  if (!lc) return '';
  const cx = b.x + b.width / 2;
  const y = b.y + b.height - 14;
  if (lc.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    return lc.isSequential
      ? `<path d="M${cx - 5},${y} h10 M${cx - 5},${y + 5} h10 M${cx - 5},${y + 10} h10" stroke="${STROKE}" stroke-width="2"/>`
      : `<path d="M${cx - 5},${y} v10 M${cx},${y} v10 M${cx + 5},${y} v10" stroke="${STROKE}" stroke-width="2"/>`;
  }
  return `<path d="M${cx - 4},${y + 9} a5,5 0 1 1 6,0" fill="none" stroke="${STROKE}"/>`;
}

function shapeSvg(shape: ModdleElement, highlighted: boolean): { body: string; label?: string } {
  const el = shape.bpmnElement;
  const b: Bounds = shape.bounds;
  const stroke = highlighted ? HIGHLIGHT : STROKE;
  const hw = highlighted ? 3 : undefined;
  const sw = (base: number) => (hw ? Math.max(hw, base) : base);
  const name: string | undefined = el.name;
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2;
  if (isType(el, 'bpmn:Event')) {
    const r = Math.min(b.width, b.height) / 2;
    const end = isType(el, 'bpmn:EndEvent');
    const intermediate = isType(el, 'bpmn:IntermediateCatchEvent', 'bpmn:IntermediateThrowEvent', 'bpmn:BoundaryEvent');
    const throwing = end || isType(el, 'bpmn:IntermediateThrowEvent');
    const dash =
      (isType(el, 'bpmn:BoundaryEvent') && el.cancelActivity === false) ||
      (isType(el, 'bpmn:StartEvent') && el.isInterrupting === false)
        ? ' stroke-dasharray="4 2"'
        : '';
    let body = `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="white" stroke="${stroke}" stroke-width="${sw(end ? 3 : 1.5)}"${dash}/>`;
    if (intermediate)
      body += `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r - 3)}" fill="none" stroke="${stroke}" stroke-width="1"${dash}/>`;
    body += eventMarker(el, cx, cy, r, throwing);
    return { body, label: name };
  }
  if (isType(el, 'bpmn:Gateway')) {
    const body = `<polygon points="${n(cx)},${n(b.y)} ${n(b.x + b.width)},${n(cy)} ${n(cx)},${n(b.y + b.height)} ${n(b.x)},${n(cy)}" fill="white" stroke="${stroke}" stroke-width="${sw(1.5)}"/>${gatewayMarker(el, cx, cy, b.width)}`;
    return { body, label: name };
  }
  if (isType(el, 'bpmn:SubProcess', 'bpmn:CallActivity', 'bpmn:Task')) {
    const call = isType(el, 'bpmn:CallActivity');
    const eventSub = isType(el, 'bpmn:SubProcess') && el.triggeredByEvent;
    const expanded = isType(el, 'bpmn:SubProcess') && shape.isExpanded !== false;
    let body = `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" rx="10" ry="10" fill="${expanded ? 'none' : 'white'}" stroke="${stroke}" stroke-width="${sw(call ? 3 : 1.5)}"${eventSub ? ' stroke-dasharray="3 3"' : ''}/>`;
    if (isType(el, 'bpmn:Task')) body += taskMarker(el, b);
    if (name) body += textBlock(name, b, 11, expanded ? 'top' : 'middle');
    if (isType(el, 'bpmn:SubProcess', 'bpmn:CallActivity') && !expanded) {
      const mx = cx - 7;
      const my = b.y + b.height - 16;
      body += `<rect x="${n(mx)}" y="${n(my)}" width="14" height="14" fill="white" stroke="${STROKE}"/><path d="M${n(mx + 3)},${n(my + 7)} h8 M${n(mx + 7)},${n(my + 3)} v8" stroke="${STROKE}"/>`;
    }
    body += loopMarker(el, b);
    return { body };
  }
  if (isType(el, 'bpmn:Participant', 'bpmn:Lane')) {
    const vertical = shape.isHorizontal === false;
    let body = `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" fill="none" stroke="${STROKE}" stroke-width="1.5"/>`;
    if (name) {
      if (vertical) body += textBlock(name, { x: b.x, y: b.y, width: b.width, height: 30 }, 12);
      else {
        const tx = b.x + 15;
        body += `<text ${FONT} font-size="12" text-anchor="middle" transform="rotate(-90 ${n(tx)} ${n(cy)})" x="${n(tx)}" y="${n(cy + 4)}">${esc(name)}</text>`;
      }
    }
    return { body };
  }
  if (isType(el, 'bpmn:DataObjectReference', 'bpmn:DataObject', 'bpmn:DataStoreReference')) {
    const f = 10;
    const body = `<path d="M${n(b.x)},${n(b.y)} h${n(b.width - f)} l${f},${f} v${n(b.height - f)} h${n(-b.width)} Z" fill="white" stroke="${STROKE}"/>`;
    return { body, label: name };
  }
  if (isType(el, 'bpmn:TextAnnotation')) {
    const body = `<path d="M${n(b.x + 15)},${n(b.y)} h-15 v${n(b.height)} h15" fill="none" stroke="${STROKE}"/>${el.text ? textBlock(String(el.text), b, 11) : ''}`;
    return { body };
  }
  if (isType(el, 'bpmn:Group')) {
    const body = `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" rx="8" fill="none" stroke="${STROKE}" stroke-dasharray="8 3 1 3"/>`;
    return { body };
  }
  return { body: '' };
}

function edgeSvg(edge: ModdleElement): string {
  const el = edge.bpmnElement;
  const pts: { x: number; y: number }[] = edge.waypoint ?? [];
  if (pts.length < 2) return '';
  const d = pts.map((p, i) => `${i ? 'L' : 'M'}${n(p.x)},${n(p.y)}`).join(' ');
  if (isType(el, 'bpmn:SequenceFlow')) {
    let extra = '';
    const src = el.sourceRef;
    if (el.conditionExpression && src && !isType(src, 'bpmn:Gateway')) {
      // A conditional flow out of an activity starts with a small diamond.
      const [a, b] = pts as [{ x: number; y: number }, { x: number; y: number }];
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const ux = (b.x - a.x) / len;
      const uy = (b.y - a.y) / len;
      const p = (k: number, side: number) => `${n(a.x + ux * k - uy * side)},${n(a.y + uy * k + ux * side)}`;
      extra = `<polygon points="${p(0, 0)} ${p(7, 4)} ${p(14, 0)} ${p(7, -4)}" fill="white" stroke="${STROKE}"/>`;
    } else if (src?.default && src.default === el) {
      const [a, b] = pts as [{ x: number; y: number }, { x: number; y: number }];
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const ux = (b.x - a.x) / len;
      const uy = (b.y - a.y) / len;
      const mx = a.x + ux * 10;
      const my = a.y + uy * 10;
      extra = `<path d="M${n(mx - ux * 4 - uy * 5)},${n(my - uy * 4 + ux * 5)} L${n(mx + ux * 4 + uy * 5)},${n(my + uy * 4 - ux * 5)}" stroke="${STROKE}"/>`;
    }
    return `<path d="${d}" fill="none" stroke="${STROKE}" stroke-width="1.2" marker-end="url(#seq)"/>${extra}`;
  }
  if (isType(el, 'bpmn:MessageFlow'))
    return `<path d="${d}" fill="none" stroke="${STROKE}" stroke-dasharray="6 3" marker-end="url(#msg)"/>`;
  return `<path d="${d}" fill="none" stroke="${STROKE}" stroke-dasharray="2 3"/>`;
}

/** The label of an event, gateway or data object: in its DI label bounds, else centred below the shape. */
function labelSvg(text: string, di: ModdleElement): string {
  const lb: Bounds | undefined = di.label?.bounds;
  if (lb)
    return textBlock(
      text,
      { ...lb, width: Math.max(lb.width, 90), x: lb.x - (Math.max(lb.width, 90) - lb.width) / 2 },
      11,
    );
  const b: Bounds = di.bounds;
  if (b)
    return textBlock(text, { x: b.x + b.width / 2 - 50, y: b.y + b.height + 2, width: 100, height: 16 }, 11, 'top');
  const pts = di.waypoint ?? [];
  const mid = pts[Math.floor(pts.length / 2)];
  return mid ? textBlock(text, { x: mid.x - 50, y: mid.y - 18, width: 100, height: 14 }, 10) : '';
}

/** Finds the BPMNDiagram that draws `processId` (its plane is the process, or a collaboration with it). */
export function diagramFor(defs: ModdleElement, processId: string): ModdleElement | undefined {
  const diagrams: ModdleElement[] = defs?.diagrams ?? [];
  const owns = (d: ModdleElement) => {
    const pe = d.plane?.bpmnElement;
    if (!pe) return false;
    if (pe.$type === 'bpmn:Process') return pe.id === processId;
    if (pe.$type === 'bpmn:Collaboration')
      return (pe.participants ?? []).some((p: ModdleElement) => p.processRef?.id === processId);
    if (pe.$type === 'bpmn:SubProcess') return false;
    return false;
  };
  return diagrams.find(owns) ?? diagrams.find((d) => !!d.plane?.planeElement?.length && !d.plane?.bpmnElement);
}

/**
 * Renders one BPMNDiagram as SVG. `highlight` holds activity ids to outline in red. Elements the DI refers to but
 * the model lacks are skipped (Flowable ignores them too).
 */
export function renderDiagramSvg(diagram: ModdleElement, highlight: ReadonlySet<string> = new Set()): string {
  const items: ModdleElement[] = (diagram.plane?.planeElement ?? []).filter((e: ModdleElement) => e.bpmnElement);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const grow = (x: number, y: number, w = 0, h = 0) => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + w);
    maxY = Math.max(maxY, y + h);
  };
  for (const it of items) {
    if (it.bounds) grow(it.bounds.x, it.bounds.y, it.bounds.width, it.bounds.height);
    for (const p of it.waypoint ?? []) grow(p.x, p.y);
    const lb = it.label?.bounds;
    if (lb) grow(lb.x, lb.y, lb.width, lb.height);
    else if (it.bounds && it.bpmnElement?.name && isType(it.bpmnElement, 'bpmn:Event', 'bpmn:Gateway'))
      grow(it.bounds.x + it.bounds.width / 2 - 50, it.bounds.y + it.bounds.height, 100, 20);
  }
  if (!Number.isFinite(minX)) {
    minX = 0;
    minY = 0;
    maxX = 100;
    maxY = 50;
  }
  const x0 = minX - MARGIN;
  const y0 = minY - MARGIN;
  const w = Math.ceil(maxX - minX + 2 * MARGIN);
  const h = Math.ceil(maxY - minY + 2 * MARGIN);
  // Containers first (pools, lanes, expanded sub-processes), then edges, then the other shapes on top.
  const container = (it: ModdleElement) =>
    it.bounds &&
    (isType(it.bpmnElement, 'bpmn:Participant', 'bpmn:Lane') ||
      (isType(it.bpmnElement, 'bpmn:SubProcess') && it.isExpanded !== false));
  const layers: string[] = [];
  const labels: string[] = [];
  const drawShape = (it: ModdleElement) => {
    const { body, label } = shapeSvg(it, highlight.has(it.bpmnElement.id));
    layers.push(body);
    if (label) labels.push(labelSvg(label, it));
  };
  for (const it of items) if (container(it)) drawShape(it);
  for (const it of items)
    if (it.waypoint) {
      layers.push(edgeSvg(it));
      if (it.bpmnElement?.name) labels.push(labelSvg(it.bpmnElement.name, it));
    }
  for (const it of items) if (it.bounds && !container(it)) drawShape(it);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${n(x0)} ${n(y0)} ${w} ${h}">
<defs><marker id="seq" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 Z" fill="${STROKE}"/></marker><marker id="msg" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 Z" fill="white" stroke="${STROKE}"/></marker></defs>
<rect x="${n(x0)}" y="${n(y0)}" width="${w}" height="${h}" fill="white"/>
${layers.join('\n')}
${labels.join('\n')}
</svg>`;
}
