/**
 * What may be logged of an error: message, status and stack. Never the request's headers
 * (the installation token) or the response body (repository content).
 */
export function loggable(error: unknown): { name: string; message: string; status?: number; stack?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const status = (error as { status?: unknown }).status;
  return {
    name: error.name,
    message: error.message.replace(/(token|bearer)\s+[\w.-]+/gi, '$1 [REDACTED]'),
    ...(typeof status === 'number' ? { status } : {}),
    ...(error.stack ? { stack: error.stack.replace(/(token|bearer)\s+[\w.-]+/gi, '$1 [REDACTED]') } : {}),
  };
}

