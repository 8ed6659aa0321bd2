/** `freigabe serve [--repo DIR] [--port N]`: the dashboard of a local checkout on 127.0.0.1. */
import { serveLocalDashboard } from '../../web/serve.js';
import { uiText, type Locale } from '../../i18n/cli.js';
import { InputError, UsageError } from '../errors.js';
import { COMMON_OPTIONS, common, parse, type CommandIO } from '../options.js';
import { readDirectorySnapshot } from '../read-dir.js';

export const SERVE_OPTIONS = { ...COMMON_OPTIONS, port: { type: 'string' } } as const;

export async function serveCommand(argv: readonly string[], io: CommandIO, locale: Locale): Promise<number> {
  const values = parse(argv, SERVE_OPTIONS, locale);
  const c = common(values, io);
  const t = uiText(c.locale).cli;
  const raw = values.port ?? '8080';
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(t.badValue('--port', raw, '0–65535'));
  // Fail now on an unreadable checkout rather than on the first page view.
  readDirectorySnapshot(c.repo, c.locale);
  let running;
  try {
    running = await serveLocalDashboard({
      repo: c.repo,
      locale: c.locale,
      port,
      onError: (error) => io.stderr(`freigabe serve: ${error instanceof Error ? error.message : String(error)}\n`),
    });
  } catch (error) {
    throw new InputError(t.serveFailed(port, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  io.stdout(`${t.serving(running.url)}\n`);
  // The server keeps the process alive until Ctrl-C.
  return 0;
}
