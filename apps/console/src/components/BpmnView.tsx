/**
 * A BPMN diagram drawn by bpmn-js (the bpmn.io viewer, loaded on first use as its own chunk), with the instance's
 * active activities, passed elements and taken flows marked, and validation problems shown on the element they name.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { diagramMarkers, graphFromDefinitions, type InstanceProgress, type Markers } from '../logic/diagram-markers.js';

export interface Problem {
  elementId: string | null;
  message: string;
  severity: string;
}

interface Props {
  xml: string;
  label: string;
  progress?: InstanceProgress | undefined;
  problems?: Problem[] | undefined;
  /** Names of elements by id, for the text summary under the diagram. */
  onMarkers?: (m: Markers, names: Record<string, string>) => void;
}

export function BpmnView({ xml, label, progress, problems, onMarkers }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const progressKey = JSON.stringify(progress ?? null);
  const problemsKey = JSON.stringify(problems ?? null);
  useEffect(() => {
    let viewer: { destroy(): void } | undefined;
    let cancelled = false;
    void (async () => {
      const { default: Viewer } = await import('bpmn-js/lib/NavigatedViewer');
      if (cancelled || !ref.current) return;
      const v = new Viewer({ container: ref.current });
      viewer = v;
      try {
        // Loaded with the viewer: only BPMN without diagram interchange needs it.
        const { withDiagram } = await import('../logic/auto-layout.js');
        await v.importXML(await withDiagram(xml));
      } catch (e) {
        if (!cancelled) setError(`The diagram could not be drawn: ${(e as Error).message}`);
        return;
      }
      if (cancelled) return;
      setError(undefined);
      const canvas = v.get('canvas') as {
        zoom(z: string): void;
        addMarker(id: string, cls: string): void;
      };
      const registry = v.get('elementRegistry') as {
        get(id: string): { businessObject?: { name?: string } } | undefined;
      };
      const overlays = v.get('overlays') as { add(id: string, o: unknown): void };
      canvas.zoom('fit-viewport');
      if (progress) {
        const m = diagramMarkers(graphFromDefinitions(v.getDefinitions()), progress);
        for (const id of m.taken) if (registry.get(id)) canvas.addMarker(id, 'wf-taken');
        for (const id of m.completed) if (registry.get(id)) canvas.addMarker(id, 'wf-passed');
        for (const id of m.active) if (registry.get(id)) canvas.addMarker(id, 'wf-active');
        const names: Record<string, string> = {};
        for (const id of [...m.active, ...m.completed]) names[id] = registry.get(id)?.businessObject?.name || id;
        onMarkers?.(m, names);
      }
      for (const p of problems ?? []) {
        if (!p.elementId || !registry.get(p.elementId)) continue;
        canvas.addMarker(p.elementId, p.severity === 'error' ? 'wf-error' : 'wf-warning');
        const badge = document.createElement('span');
        badge.className = `wf-badge wf-badge-${p.severity}`;
        badge.textContent = p.severity === 'error' ? '!' : '?';
        badge.title = p.message;
        overlays.add(p.elementId, { position: { top: -8, right: 8 }, html: badge });
      }
    })();
    return () => {
      cancelled = true;
      viewer?.destroy();
    };
  }, [xml, progressKey, problemsKey]);
  return (
    <figure class="diagram-frame">
      <div class="diagram" ref={ref} role="img" aria-label={label} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </figure>
  );
}
