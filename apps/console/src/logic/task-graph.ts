/** FLOW task graph layout: each task in the column after its deepest dependency (`dependsOn`), rows in order. */
export interface TaskLike {
  id: string;
  name?: string;
  dependsOn?: string[];
}

export function layoutTasks(tasks: readonly TaskLike[]): { id: string; label: string; column: number; row: number }[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const column = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle (the API refuses them; never loop on bad data)
    visiting.add(id);
    const deps = (byId.get(id)?.dependsOn ?? []).filter((d) => byId.has(d));
    const c = deps.length ? Math.max(...deps.map(column)) + 1 : 0;
    visiting.delete(id);
    depth.set(id, c);
    return c;
  };
  const rows = new Map<number, number>();
  return tasks.map((t) => {
    const c = column(t.id);
    const row = rows.get(c) ?? 0;
    rows.set(c, row + 1);
    return { id: t.id, label: t.name || t.id, column: c, row };
  });
}
