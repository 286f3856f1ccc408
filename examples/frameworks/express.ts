// Run: node --import tsx examples/frameworks/express.ts [--port 3000]
import express from 'express';
import { demoStatus, port, statusUrl } from './shared.js';

const app = express();
app.use(demoStatus().express());
app.get('/', (_req, res) => {
  res.send('my app');
});
const server = app.listen(port(), '127.0.0.1', () => console.log(statusUrl(server)));
