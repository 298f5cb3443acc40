// JSON replies and typed errors over HTTP. Errors carry a stable code and a message; never a stack.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, type ErrorCode } from '../../shared/errors.js';
import type { HttpError } from '../../shared/protocol.js';

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

export function sendError(response: ServerResponse, status: number, code: ErrorCode, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body: HttpError = { error: { code, message } };
  sendJson(response, status, body);
}

export function sendAppError(response: ServerResponse, error: unknown): void {
  if (error instanceof AppError) sendError(response, error.httpStatus, error.code, error.message);
  else sendError(response, 500, 'internal', 'the relay failed to handle this request');
}

/** Reads a JSON body of at most `limitBytes`; throws AppError (message.too_large / message.malformed). */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limitBytes) {
    request.resume();
    throw new AppError('message.too_large', `request body of ${declared} bytes exceeds ${limitBytes}`, 413);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    total += (chunk as Buffer).byteLength;
    if (total > limitBytes) {
      request.resume();
      throw new AppError('message.too_large', `request body exceeds ${limitBytes} bytes`, 413);
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('message.malformed', 'request body is not valid JSON');
  }
}
