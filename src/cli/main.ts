/**
 * The `bars` command line. Every failure becomes a message and an exit code; a stack trace
 * is printed only with BARS_DEBUG=1.
 */
import { LoadError } from '../load/types.js';
import { neutraliseRunnerCommands, safeBlock } from '../model/text.js';
import { UsageError } from './inputs.js';
import { renderMainHelp } from './reference.js';
import { HelpRequested, validateCommand, VALIDATE_HELP } from './validate.js';
import { toolVersion } from './version.js';

const HELP = renderMainHelp();

/**
 * A reader that stops early (`bars validate … | head`) closes the pipe: the rest of the report
 * has nowhere to go, which is no failure of the run, so the write error is dropped and the exit
 * code still says whether the files are valid (Node would otherwise crash with an EPIPE trace).
 */
function ignoreClosedPipes(): void {
  for (const s of [process.stdout, process.stderr]) {
    if (s.listenerCount('error') > 0) continue;
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

/**
 * Output streams for commands that print names, URLs and messages from packages as they are
 * (`packages`, `snapshot`): control characters made visible and no line starting with a CI
 * runner command. JSON output passes unchanged in meaning (its strings escape these already).
 */
function guarded<T extends { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }>(io: T): T {
  const wrap = (s: NodeJS.WritableStream): NodeJS.WritableStream =>
    Object.assign(Object.create(s) as NodeJS.WritableStream, { write: (text: string) => s.write(neutraliseRunnerCommands(safeBlock(text))) });
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}

export async function main(argv: string[], startedAt?: number): Promise<number> {
  ignoreClosedPipes();
  const io = { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true };
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'validate':
        return await validateCommand(rest, io, startedAt);
      case 'packages':
        return await (await import('./packages.js')).packagesCommand(rest, guarded(io));
      case 'snapshot':
        return await (await import('./snapshot.js')).snapshotCommand(rest, guarded(io));
      case 'report':
        return await (await import('./report.js')).reportCommand(rest, io);
      case 'serve':
        return await (await import('./serve.js')).serveCommand(rest, io);
      case 'probe':
        return await (await import('./probe.js')).probeCommand(rest, io);
      case '--version':
      case '-v':
        io.stdout.write(`bars-toolkit ${toolVersion()}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(HELP);
        return cmd === undefined ? 2 : 0;
      default:
        io.stderr.write(`bars: unknown command "${cmd}"\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.stdout.write(e.text);
      return 0;
    }
    // node:util parseArgs: an unknown or malformed option is the user's slip, not a bug
    if (typeof (e as NodeJS.ErrnoException)?.code === 'string' && (e as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS_')) {
      io.stderr.write(`bars: ${(e as Error).message}\nRun "bars --help" for the commands and their options.\n`);
      return 2;
    }
    // messages name files and package ids someone else chose: shown, never obeyed by a terminal or CI runner
    if (e instanceof UsageError) {
      io.stderr.write(neutraliseRunnerCommands(`bars: ${safeBlock(e.message)}\n`));
      return 2;
    }
    if (e instanceof LoadError) {
      io.stderr.write(neutraliseRunnerCommands(`bars: ${safeBlock(e.message)}\n${e.hint ? safeBlock(e.hint) + '\n' : ''}`));
      return 2;
    }
    io.stderr.write(
      `bars: internal error: ${safeBlock((e as Error)?.message ?? String(e))}\n` +
        (process.env.BARS_DEBUG ? `${(e as Error)?.stack}\n` : 'This is a bug in bars-toolkit. Run again with BARS_DEBUG=1 for details and report it.\n'),
    );
    return 2;
  }
}

export { VALIDATE_HELP };
