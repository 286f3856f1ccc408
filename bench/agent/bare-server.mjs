// The ceiling: bare node:http answering fixed bodies, one per request target, read from the JSON
// file given as argument ({ "/status": "...", ... }). Prints its URL, as `statuskit serve` does.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const bodies = new Map(
  Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8'))).map(([url, text]) => [
    url,
    Buffer.from(text),
  ]),
);
const server = createServer((req, res) => {
  const body = bodies.get(req.url);
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
