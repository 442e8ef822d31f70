// A bare node:http JSON server answering the four calls of the BPMN figure (no validation, no store): the ceiling
// for HTTP on this machine. Also the baseline of the cold-start figure. Prints { port } when listening.
import { createServer } from 'node:http';

let n = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (chunks.length) JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const id = String(++n);
    const body = req.url.startsWith('/health')
      ? { status: 'ok' }
      : req.method === 'GET'
        ? { result: [{ _id: id }], resultCount: 1 }
        : { _id: id };
    const json = JSON.stringify(body);
    res.writeHead(req.url.includes('_action=create') ? 201 : 200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
