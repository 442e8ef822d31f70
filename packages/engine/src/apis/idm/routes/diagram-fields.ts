/**
 * The on-request fields `diagram` (base64 PNG, as PingIDM returns it) and `diagramSvg` (wfkit: the same drawing as
 * SVG text) of process definitions and instances.
 */
import { diagramPngBase64, diagramSvg } from '../../../dialects/bpmn/diagram/index.js';
import type { DefinitionRow } from '../../../runtime/commands.js';
import type { IdmContext } from '../context.js';
import { type FieldList, fieldRequested } from '../crest/fields.js';
import { deploymentSource } from '../repository/diagrams.js';

export async function diagramFields(
  idm: IdmContext,
  def: Pick<DefinitionRow, 'id' | 'key' | 'deployment_id'>,
  fields: FieldList | undefined,
  highlight: () => Promise<string[]> = async () => [],
): Promise<{ diagram?: string; diagramSvg?: string }> {
  const png = fieldRequested(fields, 'diagram');
  const svg = fieldRequested(fields, 'diagramSvg');
  if (!png && !svg) return {};
  const xml = await deploymentSource(idm.db, def.deployment_id);
  if (!xml) return {};
  const req = { xml, processId: def.key, cacheKey: def.id, highlight: await highlight() };
  const out: { diagram?: string; diagramSvg?: string } = {};
  if (png) {
    const d = await diagramPngBase64(req);
    if (d !== undefined) out.diagram = d;
  }
  if (svg) {
    const d = await diagramSvg(req);
    if (d !== undefined) out.diagramSvg = d;
  }
  return out;
}
