// A status tree of N cached components (node bench/agent/tree-server.mjs N), served over node:http
// from dist/. Prints its URL.
import { createServer } from 'node:http';
import { createStatus } from '../../dist/index.js';

const count = Number(process.argv[2]);
const status = createStatus();
status.value('version', '1.0.0', { summary: true });
for (let i = 0; i < count; i++) {
  status.check(`components.c${String(i).padStart(4, '0')}`, () => 'ok', { cache: '1h' });
}
const server = createServer(status.nodeListener());
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
