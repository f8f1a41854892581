// The yardstick for webhook ingest: express 5 + @line/bot-sdk's middleware({ channelSecret }) and
// a handler that does no work — the best a signed LINE webhook can do on this machine.
//   PORT=… LINE_CHANNEL_SECRET=… tsx bench/bare-line-endpoint.ts
import { middleware, SignatureValidationFailed, JSONParseError } from '@line/bot-sdk';
import express, { type ErrorRequestHandler } from 'express';

const port = Number(process.env.PORT ?? 3999);
const channelSecret = process.env.LINE_CHANNEL_SECRET;
if (!channelSecret) throw new Error('LINE_CHANNEL_SECRET is required');

const app = express();
app.disable('x-powered-by');
app.post('/webhooks/line', middleware({ channelSecret }), (_req, res) => {
  res.status(200).json({});
});
const errors: ErrorRequestHandler = (error, _req, res, _next) => {
  res.status(error instanceof SignatureValidationFailed ? 401 : error instanceof JSONParseError ? 400 : 500).json({});
};
app.use(errors);

const server = app.listen(port, '127.0.0.1', () => process.stdout.write(`bare LINE endpoint listening on ${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
