/**
 * What XML allows and Flowable's StAX parser reads, but bpmn-moddle's parser (saxen) refuses, rewritten before
 * parsing: whitespace around an attribute's `=` (`source ="x"`), and ids or id references with spaces around them
 * (`id="flow4 "`: an ID-typed attribute's value is whitespace-normalized by XML, so `flow4 ` is `flow4`).
 *
 * Only start tags are touched (never text, CDATA, comments: scripts stay as written), and every rewrite keeps the
 * document's length and its line breaks, so positions that moddle reports and element lines stay right.
 */

/** Attributes whose value is an id or a reference to one. */
const ID_ATTRIBUTE = /^(?:[\w.-]+:)?(?:id|[A-Za-z]+Ref|default|bpmnElement)$/;

const ATTRIBUTE = /(\s)([A-Za-z_][\w:.-]*)(\s*)=(\s*)("[^"]*"|'[^']*')/g;

function relaxTag(tag: string): string {
  return tag.replace(ATTRIBUTE, (whole, lead: string, name: string, before: string, after: string, quoted: string) => {
    const q = quoted[0]!;
    let value = quoted.slice(1, -1);
    if (ID_ATTRIBUTE.test(name)) value = value.trim();
    if (!before && !after && value.length === quoted.length - 2) return whole;
    const head = `${lead}${name}=${q}${value}${q}`;
    // what was taken out (spaces around '=', around the id) follows the attribute: same length, same line breaks
    const moved = `${before}${after}${quoted.slice(1, -1).replace(value, '')}`;
    return `${head}${moved.replace(/[^\n\r]/g, ' ')}`;
  });
}

/** The end of the construct that starts at `at` with `open`, closed by `close` (or the document's end). */
function skip(xml: string, at: number, open: string, close: string): number {
  const end = xml.indexOf(close, at + open.length);
  return end < 0 ? xml.length : end + close.length;
}

/** `xml` with every start tag relaxed as above; everything else is copied as it is. */
export function relaxXml(xml: string): string {
  const parts: string[] = [];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      parts.push(xml.slice(i));
      break;
    }
    parts.push(xml.slice(i, lt));
    let end: number;
    if (xml.startsWith('<!--', lt)) end = skip(xml, lt, '<!--', '-->');
    else if (xml.startsWith('<![CDATA[', lt)) end = skip(xml, lt, '<![CDATA[', ']]>');
    else if (xml.startsWith('<?', lt)) end = skip(xml, lt, '<?', '?>');
    else if (xml.startsWith('<!', lt) || xml.startsWith('</', lt)) end = skip(xml, lt, '<', '>');
    else {
      // a start tag: up to the first '>' outside a quoted value
      let j = lt + 1;
      let quote = '';
      for (; j < xml.length; j++) {
        const c = xml[j]!;
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      end = Math.min(j + 1, xml.length);
      parts.push(relaxTag(xml.slice(lt, end)));
      i = end;
      continue;
    }
    parts.push(xml.slice(lt, end));
    i = end;
  }
  return parts.join('');
}
