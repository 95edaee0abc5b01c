/**
 * The `bars` command line. Every failure becomes a message and an exit code; a stack trace
 * is printed only with BARS_DEBUG=1.
 */
import { LoadError } from '../load/types.js';
import { UsageError } from './inputs.js';
import { HelpRequested, validateCommand, VALIDATE_HELP } from './validate.js';
import { toolVersion } from './version.js';

const HELP = `bars — validate FHIR R4 payloads for the NHS Booking and Referral Standard (BaRS)

Usage:
  bars validate <files|folders|globs...> [options]   validate resources (bars validate --help)
  bars packages list [--ig ...]                       show the loaded FHIR packages and definitions
  bars packages add <tgz|folder|name#version>         add a package to the FHIR package cache
  bars snapshot <url|file> [--ig ...]                 print a StructureDefinition with its snapshot
  bars report <result.json> --format html|junit|sarif|markdown   re-render a saved JSON result
  bars report --serve-db <db> [--exchange n] --format …  re-render exchanges bars serve stored
  bars serve [--port N] [--host 127.0.0.1] ...       local BaRS receiver simulator (bars serve --help)
  bars probe <receiver base URL> [--suite ...]        test a BaRS receiver (bars probe --help)
  bars --version
`;

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

export async function main(argv: string[]): Promise<number> {
  ignoreClosedPipes();
  const io = { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true };
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'validate':
        return await validateCommand(rest, io);
      case 'packages':
        return await (await import('./packages.js')).packagesCommand(rest, io);
      case 'snapshot':
        return await (await import('./snapshot.js')).snapshotCommand(rest, io);
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
    if (e instanceof UsageError) {
      io.stderr.write(`bars: ${e.message}\n`);
      return 2;
    }
    if (e instanceof LoadError) {
      io.stderr.write(`bars: ${e.message}\n${e.hint ? e.hint + '\n' : ''}`);
      return 2;
    }
    io.stderr.write(
      `bars: internal error: ${(e as Error)?.message ?? String(e)}\n` +
        (process.env.BARS_DEBUG ? `${(e as Error)?.stack}\n` : 'This is a bug in bars-toolkit. Run again with BARS_DEBUG=1 for details and report it.\n'),
    );
    return 2;
  }
}

export { VALIDATE_HELP };
