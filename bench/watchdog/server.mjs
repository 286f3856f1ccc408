// A service's status with 20 cached components, with or without the watchdog (argv[2]: on | off).
// GET /block?ms=N blocks the main loop for N ms (the benchmark's runaway regex). Prints the status
// URL, then the watchdog's URL when it has one.
import { createStatus } from '../../dist/index.js';

const watchdog = process.argv[2] === 'on';
const status = createStatus({ vocabulary: 'upDown', watchdog: watchdog ? { port: 0 } : false });
status.value('version', '1.0.0', { summary: true });
for (let i = 0; i < 20; i++) {
  status.check(`components.c${i}`, () => ({ level: 'ok', fields: { index: i } }), { cache: '1h' });
}
const server = await status.listen({
  port: 0,
  fallback: (request, response) => {
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname !== '/block') return response.writeHead(404).end();
    const until = performance.now() + Number(url.searchParams.get('ms') ?? 0);
    while (performance.now() < until) {
      // the main loop is stuck here
    }
    response.end('unblocked\n');
  },
});
console.log(server.url);
if (watchdog) console.log((await status.watchdog.listening).url);
