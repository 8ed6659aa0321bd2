/**
 * The acknowledgement latency of webhook deliveries: from the moment Node has read a request's
 * headers to the end of its response, for POSTs to the webhook path. Probot keeps its HTTP
 * server to itself, so this listens on Node's own diagnostics channels for HTTP servers
 * rather than wrapping Probot's handler.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';

interface ServerMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

/** Starts measuring; returns the function that stops it. */
export function measureWebhookAcks(params: { webhookPath: string; metrics: Metrics }): () => void {
  const started = new WeakMap<ServerResponse, bigint>();
  const onStart = (message: unknown): void => {
    const { request, response } = message as ServerMessage;
    if (request.method !== 'POST' || (request.url ?? '').split('?')[0] !== params.webhookPath) return;
    started.set(response, process.hrtime.bigint());
  };
  const onFinish = (message: unknown): void => {
    const { response } = message as ServerMessage;
    const start = started.get(response);
    if (start === undefined) return;
    started.delete(response);
    params.metrics.webhookAcknowledged(response.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
  };
  subscribe('http.server.request.start', onStart);
  subscribe('http.server.response.finish', onFinish);
  return () => {
    unsubscribe('http.server.request.start', onStart);
    unsubscribe('http.server.response.finish', onFinish);
  };
}
