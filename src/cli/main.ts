/**
 * The `freigabe` command line: the same engine as the GitHub app, offline on a local checkout.
 * Only this outermost layer catches errors: a UsageError or InputError is the user's (exit 2,
 * one message), anything else a bug in freigabe (exit 2, stack trace only with --debug).
 *
 * Exit codes (CONTRACTS.md): 0 ok / approved; 1 error findings or approval missing;
 * 2 usage error, unreadable input or internal error.
 */
import { uiText, type Locale } from '../i18n/cli.js';
import { auditCommand } from './audit.js';
import { gateCommand } from './commands/gate.js';
import { planCommand } from './commands/plan.js';
import { renderCommand } from './commands/render.js';
import { validateCommand } from './commands/validate.js';
import { InputError, UsageError } from './errors.js';
import { sniffLocale, type CommandIO } from './options.js';

type Command = (argv: readonly string[], io: CommandIO, locale: Locale) => number | Promise<number>;

export const COMMANDS: Record<string, Command> = {
  validate: validateCommand,
  render: renderCommand,
  plan: planCommand,
  gate: gateCommand,
  audit: (argv, io) => auditCommand(argv, io),
};

/** Runs one command line (without `node` and the script); returns the exit code. */
export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const locale = sniffLocale(argv);
  const t = uiText(locale).cli;
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(`${name === undefined ? `${t.missingCommand}\n\n` : ''}${t.usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`freigabe: ${t.unknownCommand(name, Object.keys(COMMANDS))}\n\n${t.usage}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${t.usage}\n`);
    return 0;
  }
  try {
    return await command(rest, io, locale);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`freigabe ${name}: ${error.message}\n${locale === 'en' ? 'See' : 'Siehe'} freigabe --help\n`);
      return 2;
    }
    if (error instanceof InputError) {
      io.stderr(`freigabe ${name}: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`freigabe ${name}: ${debug && error instanceof Error && error.stack ? error.stack : t.internalError(message)}\n`);
    return 2;
  }
}

/** Entry of bin/freigabe.js: real process, real streams. Sets the exit code, never exits early (pipes drain). */
export async function run(): Promise<void> {
  const io: CommandIO = {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    isTTY: process.stdout.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
  };
  // A closed pipe (`freigabe plan | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  try {
    process.exitCode = await main(process.argv.slice(2), io);
  } catch (error) {
    process.stderr.write(`freigabe: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
