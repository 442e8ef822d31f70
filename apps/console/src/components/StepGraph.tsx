/** A small SVG of a graph laid out in columns: boxes for nodes, arrows for edges (back edges arc above). */
export interface GraphNode {
  id: string;
  label: string;
  column: number;
  row: number;
  tone?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  back?: boolean;
}

const W = 150;
const H = 40;
const GX = 40;
const GY = 20;

export function StepGraph({ nodes, edges, label }: { nodes: GraphNode[]; edges: GraphEdge[]; label: string }) {
  const pos = new Map(nodes.map((n) => [n.id, { x: 10 + n.column * (W + GX), y: 30 + n.row * (H + GY) }]));
  const width = Math.max(...nodes.map((n) => n.column), 0) * (W + GX) + W + 20;
  const maxColumn = Math.max(...nodes.map((n) => n.column), 0);
  // Room below the boxes for arcs of edges that skip columns (deeper the further they go).
  const height = Math.max(...nodes.map((n) => n.row), 0) * (H + GY) + H + 50 + 14 * maxColumn;
  return (
    <svg class="graph" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#57606a" />
        </marker>
      </defs>
      {edges.map((e) => {
        const a = pos.get(e.from);
        const b = pos.get(e.to);
        if (!a || !b) return null;
        const span = Math.round(Math.abs(b.x - a.x) / (W + GX));
        const depth = 14 + 14 * span;
        const d =
          e.back || b.x <= a.x
            ? `M${a.x + W / 2},${a.y} C${a.x + W / 2},${a.y - 30} ${b.x + W / 2},${b.y - 30} ${b.x + W / 2},${b.y}`
            : span > 1 && a.y === b.y
              ? // Skips columns: an arc under the boxes, not a line through them.
                `M${a.x + W / 2},${a.y + H} C${a.x + W / 2},${a.y + H + depth} ${b.x + W / 2},${b.y + H + depth} ${b.x + W / 2},${b.y + H}`
              : `M${a.x + W},${a.y + H / 2} L${b.x},${b.y + H / 2}`;
        return (
          <path
            key={`${e.from}>${e.to}`}
            d={d}
            fill="none"
            stroke="#57606a"
            stroke-width="1.5"
            marker-end="url(#arrow)"
          />
        );
      })}
      {nodes.map((n) => {
        const p = pos.get(n.id)!;
        return (
          <g key={n.id} data-node={n.id}>
            <rect x={p.x} y={p.y} width={W} height={H} rx="6" fill={n.tone ?? '#f6f8fa'} stroke="#57606a" />
            <text x={p.x + W / 2} y={p.y + H / 2 + 4} text-anchor="middle">
              {n.label.length > 20 ? `${n.label.slice(0, 19)}…` : n.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
