// A state machine's graph as server-side SVG, laid out from the ASL: states in layers, transitions as curves, visited, current and failed states marked.
import { html, type SafeHtml, unsafeRawHtml } from '#shared/html.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface GraphMarks {
  visited: ReadonlySet<string>;
  current: ReadonlySet<string>;
  failed: ReadonlySet<string>;
}

type EdgeKind = 'next' | 'choice' | 'catch';

interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
  label: string;
}

interface Box {
  name: string;
  type: string;
  lines: string[];
  w: number;
  h: number;
  x: number;
  y: number;
  /** Parallel branches or a Map's item processor, laid out inside the box. */
  inner: Layout[];
  /** The state has a Catch-all (States.ALL) that leads to `catchAll`. */
  catchAll?: string;
}

interface RoutedEdge extends Edge {
  points: { x: number; y: number }[];
  reversed: boolean;
}

interface Layout {
  width: number;
  height: number;
  boxes: Box[];
  edges: RoutedEdge[];
  /** Where failures of any step go, drawn once instead of an edge from every step. */
  catchAllTargets: string[];
}

const FONT = 12;
const LINE = 15;
const PAD_X = 12;
const RANK_GAP = 46;
const NODE_GAP = 28;
const DUMMY_W = 8;
const MARGIN = 16;
const MAX_TEXT = 190;

/** The graph's own styles, inside the SVG: the same drawing inline in the page and opened on its own. */
const svgStyle = `
  svg.graph { font: 12px system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; background: #f8fafc; }
  .state rect { fill: #fff; stroke: #cbd5e1; stroke-width: 1.2; }
  .state text { fill: #94a3b8; text-anchor: middle; }
  .state.choice > rect { stroke-dasharray: 4 3; }
  .state.succeed > rect { stroke: #86efac; } .state.fail > rect { stroke: #fca5a5; }
  .state.parallel > rect, .state.map > rect { fill: #f1f5f9; }
  .state.visited > rect { fill: #e0f2fe; stroke: #0284c7; } .state.visited > text { fill: #0c4a6e; }
  .state.current > rect { fill: #fef3c7; stroke: #d97706; stroke-width: 3; } .state.current > text { fill: #78350f; font-weight: 700; }
  .state.failed > rect { fill: #fee2e2; stroke: #dc2626; stroke-width: 3; } .state.failed > text { fill: #7f1d1d; font-weight: 700; }
  .edge { fill: none; stroke: #cbd5e1; stroke-width: 1.4; }
  .edge.catch { stroke-dasharray: 5 4; } .edge.taken { stroke: #0369a1; stroke-width: 2; }
  .edge-label rect { fill: #fff; stroke: #e2e8f0; }
  .edge-label text, .catch-all text { fill: #475569; font-size: 11px; text-anchor: middle; }
  .catch-all text { text-anchor: end; }
`;

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Roughly how wide `text` is at 12px: CJK characters are square, Latin ones about half that. */
function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += (char.codePointAt(0) ?? 0) > 0x2e80 ? FONT : FONT * 0.58;
  return width;
}

/** A state name on one or two lines that fit a box. */
function wrap(name: string): string[] {
  if (textWidth(name) <= MAX_TEXT) return [name];
  const words = name.split(' ');
  let first = '';
  for (const word of words) {
    const next = first ? `${first} ${word}` : word;
    if (textWidth(next) > MAX_TEXT && first) break;
    first = next;
  }
  const rest = name.slice(first.length).trim();
  return rest ? [first, rest] : [first];
}

/** How a Choice rule reads on its edge: the value compared, or the kind of test. */
function ruleLabel(rule: JsonObject): string {
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Next' || key === 'Variable') continue;
    if (key === 'And' || key === 'Or') return key.toLowerCase();
    if (key === 'Not') return 'not …';
    if (key.endsWith('Path')) return key.replace(/Path$/, '');
    if (key.startsWith('Is'))
      return value === false ? `not ${key.slice(2).toLowerCase()}` : key.slice(2).toLowerCase();
    const op = /LessThanEquals/.test(key)
      ? '≤ '
      : /GreaterThanEquals/.test(key)
        ? '≥ '
        : /LessThan/.test(key)
          ? '< '
          : /GreaterThan/.test(key)
            ? '> '
            : '';
    return `${op}${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  return 'rule';
}

function catchLabel(errors: Json | undefined): string {
  const names = Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : [];
  return names
    .map((name) => (name === 'States.Timeout' ? 'timeout' : name.replace(/^States\./, '')))
    .join(', ');
}

function edgesOf(name: string, state: JsonObject): { edges: Edge[]; catchAll?: string } {
  const edges: Edge[] = [];
  let catchAll: string | undefined;
  if (typeof state.Next === 'string') edges.push({ from: name, to: state.Next, kind: 'next', label: '' });
  if (Array.isArray(state.Choices)) {
    for (const rule of state.Choices) {
      if (isObject(rule) && typeof rule.Next === 'string')
        edges.push({ from: name, to: rule.Next, kind: 'choice', label: ruleLabel(rule) });
    }
  }
  if (typeof state.Default === 'string')
    edges.push({ from: name, to: state.Default, kind: 'choice', label: 'otherwise' });
  if (Array.isArray(state.Catch)) {
    for (const catcher of state.Catch) {
      if (!isObject(catcher) || typeof catcher.Next !== 'string') continue;
      const errors = Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals : [];
      if (errors.includes('States.ALL')) catchAll = catcher.Next;
      else edges.push({ from: name, to: catcher.Next, kind: 'catch', label: catchLabel(errors) });
    }
  }
  return { edges, catchAll };
}

/** Lays out one state list (the machine, a branch, an item processor) top to bottom. */
function layoutScope(scope: JsonObject): Layout {
  const states = isObject(scope.States) ? scope.States : {};
  const names = Object.keys(states);
  const startAt = typeof scope.StartAt === 'string' ? scope.StartAt : names[0];
  const boxes = new Map<string, Box>();
  const edges: Edge[] = [];
  const catchAllTargets = new Set<string>();
  for (const name of names) {
    const state = states[name];
    if (!isObject(state)) continue;
    const type = typeof state.Type === 'string' ? state.Type : 'Task';
    const inner: Layout[] = [];
    if (type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isObject(branch)) inner.push(layoutScope(branch));
    }
    if (type === 'Map') {
      const processor = isObject(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
      if (isObject(processor)) inner.push(layoutScope(processor));
    }
    const lines = wrap(name);
    const textW = Math.max(...lines.map(textWidth));
    let w = Math.max(textW + 2 * PAD_X, 96);
    let h = lines.length * LINE + 18;
    if (inner.length > 0) {
      const innerW = inner.reduce((sum, l) => sum + l.width, 0) + (inner.length - 1) * 10;
      w = Math.max(w, innerW + 16);
      h += Math.max(...inner.map((l) => l.height)) + 8;
    }
    const found = edgesOf(name, state);
    edges.push(...found.edges.filter((e) => names.includes(e.to)));
    if (found.catchAll && names.includes(found.catchAll)) catchAllTargets.add(found.catchAll);
    boxes.set(name, { name, type, lines, w, h, x: 0, y: 0, inner, catchAll: found.catchAll });
  }

  // Ranks: depth-first from StartAt to find the edges that loop back; the rest is a DAG laid out by longest path.
  const out = new Map<string, Edge[]>(names.map((n) => [n, []]));
  for (const edge of edges) out.get(edge.from)?.push(edge);
  const back = new Set<Edge>();
  const order: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string) => {
    state.set(name, 'open');
    order.push(name);
    for (const edge of out.get(name) ?? []) {
      const seen = state.get(edge.to);
      if (seen === 'open') back.add(edge);
      else if (!seen) visit(edge.to);
    }
    state.set(name, 'done');
  };
  if (startAt && boxes.has(startAt)) visit(startAt);
  // What only a Catch-all reaches (Needs attention) goes below everything else.
  const late = names.filter((n) => !state.has(n));
  for (const name of late) if (!state.has(name)) visit(name);
  const forward = edges.map((e) => (back.has(e) ? { ...e, from: e.to, to: e.from } : e));
  const rank = new Map<string, number>();
  const lateSet = new Set(late);
  const indegree = new Map<string, number>(names.map((n) => [n, 0]));
  for (const e of forward) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const queue = order.filter((n) => (indegree.get(n) ?? 0) === 0);
  for (const n of queue) rank.set(n, 0);
  while (queue.length > 0) {
    const n = queue.shift() as string;
    for (const e of forward.filter((f) => f.from === n)) {
      rank.set(e.to, Math.max(rank.get(e.to) ?? 0, (rank.get(n) ?? 0) + 1));
      indegree.set(e.to, (indegree.get(e.to) ?? 0) - 1);
      if (indegree.get(e.to) === 0) queue.push(e.to);
    }
  }
  const mainDepth = Math.max(0, ...names.filter((n) => !lateSet.has(n)).map((n) => rank.get(n) ?? 0));
  const lateBase = Math.min(...late.map((n) => rank.get(n) ?? 0));
  for (const n of late) rank.set(n, mainDepth + 1 + (rank.get(n) ?? 0) - lateBase);

  // Long edges get a waypoint in every rank they cross, so they can be routed between boxes.
  type Node = { id: string; w: number; h: number; rank: number; box?: Box; x: number };
  const nodes = new Map<string, Node>();
  for (const n of names) {
    const box = boxes.get(n) as Box;
    nodes.set(n, { id: n, w: box.w, h: box.h, rank: rank.get(n) ?? 0, box, x: 0 });
  }
  const chains: { edge: Edge; reversed: boolean; ids: string[] }[] = [];
  let dummies = 0;
  for (const edge of forward) {
    const reversed = back.has(edges[forward.indexOf(edge)] as Edge);
    const from = rank.get(edge.from) ?? 0;
    const to = rank.get(edge.to) ?? 0;
    const ids = [edge.from];
    for (let r = from + 1; r < to; r++) {
      const id = `\u0000${dummies++}`;
      nodes.set(id, { id, w: DUMMY_W, h: 1, rank: r, x: 0 });
      ids.push(id);
    }
    ids.push(edge.to);
    chains.push({ edge: edges[forward.indexOf(edge)] as Edge, reversed, ids });
  }
  const ranks: string[][] = [];
  const discovery = new Map(order.map((n, i) => [n, i]));
  for (const node of [...nodes.values()].sort(
    (a, b) => (discovery.get(a.id) ?? 1e6) - (discovery.get(b.id) ?? 1e6),
  )) {
    const row = ranks[node.rank] ?? [];
    row.push(node.id);
    ranks[node.rank] = row;
  }
  for (let r = 0; r < ranks.length; r++) ranks[r] ??= [];
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const { ids } of chains) {
    for (let i = 0; i + 1 < ids.length; i++) {
      const [a, b] = [ids[i] as string, ids[i + 1] as string];
      (down.get(a) ?? down.set(a, []).get(a))?.push(b);
      (up.get(b) ?? up.set(b, []).get(b))?.push(a);
    }
  }
  // Fewer crossings: order each rank by the mean position of its neighbours, sweeping down and up a few times.
  const position = () => new Map(ranks.flatMap((row) => row.map((id, i) => [id, i] as const)));
  for (let sweep = 0; sweep < 6; sweep++) {
    const downward = sweep % 2 === 0;
    const pos = position();
    const rows = downward ? ranks.slice(1) : ranks.slice(0, -1).reverse();
    for (const row of rows) {
      const mean = (id: string) => {
        const near = (downward ? up : down).get(id) ?? [];
        return near.length === 0
          ? (pos.get(id) ?? 0)
          : near.reduce((sum, n) => sum + (pos.get(n) ?? 0), 0) / near.length;
      };
      row.sort((a, b) => mean(a) - mean(b));
      for (const [i, id] of row.entries()) pos.set(id, i);
    }
  }

  // x: each node wants to sit at the mean of its neighbours' centres; a sweep keeps the gaps; a few rounds settle.
  for (const row of ranks) {
    let x = 0;
    for (const id of row ?? []) {
      const node = nodes.get(id) as Node;
      node.x = x + node.w / 2;
      x += node.w + NODE_GAP;
    }
  }
  for (let round = 0; round < 8; round++) {
    const rows = round % 2 === 0 ? ranks : [...ranks].reverse();
    for (const row of rows) {
      if (!row) continue;
      const wanted = row.map((id) => {
        const node = nodes.get(id) as Node;
        const near = [...(up.get(id) ?? []), ...(down.get(id) ?? [])].map((n) => (nodes.get(n) as Node).x);
        return near.length === 0 ? node.x : near.reduce((s, v) => s + v, 0) / near.length;
      });
      for (let i = 0; i < row.length; i++) (nodes.get(row[i] as string) as Node).x = wanted[i] as number;
      for (let i = 1; i < row.length; i++) {
        const left = nodes.get(row[i - 1] as string) as Node;
        const node = nodes.get(row[i] as string) as Node;
        const min = left.x + left.w / 2 + NODE_GAP + node.w / 2;
        if (node.x < min) node.x = min;
      }
      // Shift the row back towards where its nodes wanted to be, keeping the gaps.
      const drift =
        row.reduce((s, id, i) => s + ((nodes.get(id) as Node).x - (wanted[i] as number)), 0) / row.length;
      for (const id of row) (nodes.get(id) as Node).x -= drift;
    }
  }
  const minX = Math.min(...[...nodes.values()].map((n) => n.x - n.w / 2));
  const maxX = Math.max(...[...nodes.values()].map((n) => n.x + n.w / 2));
  const rankTop: number[] = [];
  let y = MARGIN;
  for (const row of ranks) {
    rankTop.push(y);
    const tallest = Math.max(1, ...(row ?? []).map((id) => (nodes.get(id) as Node).h));
    y += tallest + RANK_GAP;
  }
  const rankHeight = ranks.map((row) => Math.max(1, ...(row ?? []).map((id) => (nodes.get(id) as Node).h)));
  const shift = MARGIN - minX + (catchAllTargets.size > 0 ? 0 : 0);
  for (const node of nodes.values()) {
    node.x += shift;
    if (node.box) {
      node.box.x = node.x - node.w / 2;
      node.box.y = (rankTop[node.rank] as number) + ((rankHeight[node.rank] as number) - node.h) / 2;
    }
  }
  const routed: RoutedEdge[] = chains.map(({ edge, reversed, ids }) => {
    const points = ids.map((id) => {
      const node = nodes.get(id) as Node;
      if (node.box) return { x: node.x, y: node.box.y };
      const top = rankTop[node.rank] as number;
      return { x: node.x, y: top + (rankHeight[node.rank] as number) / 2 };
    });
    // Leave the upper box at its bottom edge, enter the lower one at its top.
    const first = nodes.get(ids[0] as string) as Node;
    if (first.box && points[0]) points[0] = { x: first.x, y: first.box.y + first.h };
    if (!reversed) return { ...edge, points, reversed };
    // A loop back up leaves its state from the right side and comes into the earlier one from the right side.
    const ordered = [...points].reverse();
    const side = (node: Node) => ({ x: node.x + node.w / 2, y: (node.box?.y ?? 0) + node.h / 2 });
    ordered[0] = side(nodes.get(ids.at(-1) as string) as Node);
    ordered[ordered.length - 1] = side(nodes.get(ids[0] as string) as Node);
    return { ...edge, points: ordered, reversed };
  });
  return {
    width: maxX - minX + 2 * MARGIN,
    height: y - RANK_GAP + MARGIN,
    boxes: [...boxes.values()],
    edges: routed,
    catchAllTargets: [...catchAllTargets],
  };
}

function pathOf(points: { x: number; y: number }[], reversed: boolean): string {
  const [start, ...rest] = points;
  if (!start) return '';
  let d = `M${start.x.toFixed(1)},${start.y.toFixed(1)}`;
  let previous = start;
  for (const point of rest) {
    const dy = (point.y - previous.y) / 2;
    // A loop back up bows out to the side, so it does not run over the boxes it passes.
    const bow = reversed ? 36 : 0;
    d += ` C${(previous.x + bow).toFixed(1)},${(previous.y + dy).toFixed(1)} ${(point.x + bow).toFixed(1)},${(point.y - dy).toFixed(1)} ${point.x.toFixed(1)},${point.y.toFixed(1)}`;
    previous = point;
  }
  return d;
}

function stateClass(box: Box, marks: GraphMarks): string {
  const classes = ['state', box.type.toLowerCase()];
  if (marks.failed.has(box.name)) classes.push('failed');
  else if (marks.current.has(box.name)) classes.push('current');
  else if (marks.visited.has(box.name)) classes.push('visited');
  return classes.join(' ');
}

/**
 * Where each edge's label goes: on its first stretch, just below where it leaves its state; labels that would overlap
 * (a Choice's edges all leave from one point) move down until they do not.
 */
function placeLabels(edges: readonly RoutedEdge[]): Map<RoutedEdge, { x: number; y: number; w: number }> {
  const placed = new Map<RoutedEdge, { x: number; y: number; w: number }>();
  const boxes: { x: number; y: number; w: number }[] = [];
  for (const edge of edges) {
    const [a, b] = [edge.points[0], edge.points[1]];
    if (!edge.label || !a || !b) continue;
    const w = textWidth(edge.label) * (11 / FONT) + 8;
    const t = Math.min(0.5, 22 / Math.max(1, Math.abs(b.y - a.y)));
    // A loop leaves from a state's right side: its label goes to the right of it, not over the state.
    const spot = edge.reversed
      ? { x: a.x + w / 2 + 6, y: a.y - 12, w }
      : { x: a.x + (b.x - a.x) * t * 1.6, y: a.y + (b.y - a.y) * t, w };
    for (let tries = 0; tries < 6; tries++) {
      const clash = boxes.find(
        (o) => Math.abs(o.x - spot.x) < (o.w + spot.w) / 2 + 2 && Math.abs(o.y - spot.y) < 16,
      );
      if (!clash) break;
      spot.y = clash.y + 16;
    }
    boxes.push(spot);
    placed.set(edge, spot);
  }
  return placed;
}

function renderLayout(layout: Layout, marks: GraphMarks, dx: number, dy: number): SafeHtml {
  const labels = placeLabels(layout.edges);
  const taken = (edge: RoutedEdge) =>
    marks.visited.has(edge.from) && (marks.visited.has(edge.to) || marks.current.has(edge.to));
  return html`<g transform="translate(${dx.toFixed(1)},${dy.toFixed(1)})">
${layout.edges.map(
  (edge) =>
    html`<path class="edge ${edge.kind}${taken(edge) ? ' taken' : ''}" d="${pathOf(edge.points, edge.reversed)}" marker-end="url(#arrow${taken(edge) ? '-taken' : ''})"></path>`,
)}
${layout.boxes.map((box) => {
  const textY = box.y + 14 + FONT / 2;
  let innerX = box.x + 8;
  return html`<g class="${stateClass(box, marks)}" data-state="${box.name}"><title>${box.name} (${box.type})${box.catchAll ? ` · any failure → ${box.catchAll}` : ''}</title>
<rect x="${box.x.toFixed(1)}" y="${box.y.toFixed(1)}" width="${box.w.toFixed(1)}" height="${box.h.toFixed(1)}" rx="${box.type === 'Choice' ? 16 : box.type === 'Succeed' || box.type === 'Fail' ? 18 : 6}"></rect>
${box.lines.map((line, i) => html`<text x="${(box.x + box.w / 2).toFixed(1)}" y="${(textY + i * LINE).toFixed(1)}">${line}</text>`)}
${box.inner.map((inner) => {
  const group = renderLayout(inner, marks, innerX, box.y + box.lines.length * LINE + 14);
  innerX += inner.width + 10;
  return group;
})}</g>`;
})}
${layout.edges.map((edge) => {
  const spot = labels.get(edge);
  if (!spot) return '';
  return html`<g class="edge-label"><rect x="${(spot.x - spot.w / 2).toFixed(1)}" y="${(spot.y - 8).toFixed(1)}" width="${spot.w.toFixed(1)}" height="15" rx="3"></rect><text x="${spot.x.toFixed(1)}" y="${(spot.y + 3.5).toFixed(1)}">${edge.label}</text></g>`;
})}
${layout.catchAllTargets.map((target) => {
  const box = layout.boxes.find((b) => b.name === target);
  if (!box) return '';
  const x = box.x - 10;
  const y = box.y + box.h / 2;
  return html`<g class="catch-all"><path class="edge catch" d="M${(x - 70).toFixed(1)},${y.toFixed(1)} L${x.toFixed(1)},${y.toFixed(1)}" marker-end="url(#arrow)"></path><text x="${(x - 74).toFixed(1)}" y="${(y + 4).toFixed(1)}" text-anchor="end">any step fails</text></g>`;
})}
</g>`;
}

/** The SVG of a definition (its text, as DescribeStateMachine gives it), marked for one execution. */
export function renderGraph(definitionText: string, marks: GraphMarks): SafeHtml {
  let definition: Json;
  try {
    definition = JSON.parse(definitionText) as Json;
  } catch {
    return html`<p class="muted">The definition could not be read.</p>`;
  }
  if (!isObject(definition)) return html`<p class="muted">The definition could not be read.</p>`;
  const layout = layoutScope(definition);
  // Room on the left for the "any step fails" arrows.
  const left = layout.catchAllTargets.length > 0 ? 110 : 0;
  const width = layout.width + left;
  return html`<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${layout.height.toFixed(0)}" viewBox="0 0 ${width.toFixed(0)} ${layout.height.toFixed(0)}" role="img" aria-label="State machine graph">
<style>${unsafeRawHtml(svgStyle)}</style>
<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#94a3b8"></path></marker>
<marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#0369a1"></path></marker>
</defs>
${renderLayout(layout, marks, left, 0)}
</svg>`;
}
