import { AalsError, ErrorCode, errorMessage } from '../errors.js';
import { redactText } from '../observability/redact.js';
import { auditCommand, auditHelp } from './commands/audit.js';
import { doctorCommand, doctorHelp } from './commands/doctor.js';
import { parseCommand, parseHelp } from './commands/parse.js';
import { type CliIo, UsageError } from './io.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  parse: { run: parseCommand, help: parseHelp },
  doctor: { run: doctorCommand, help: doctorHelp },
  audit: { run: auditCommand, help: auditHelp },
};

function usage(): string {
  return [
    'usage: aals <command> [--config FILE] [options]',
    '',
    ...Object.values(COMMANDS).map((c) => c.help),
    '',
    'Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`aals: unknown command '${name}' (try: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const message = redactText(errorMessage(error));
    if (error instanceof UsageError || (error instanceof AalsError && isInputError(error))) {
      io.stderr.write(`aals ${name}: ${message.split('\n')[0]}\n`);
      if (message.includes('\n')) io.stderr.write(`${message.split('\n').slice(1).join('\n')}\n`);
      return 2;
    }
    io.stderr.write(`aals ${name}: ${message}\n`);
    return 1;
  }
}

function isInputError(error: AalsError): boolean {
  return (
    error.code === ErrorCode.BadInput || error.code === ErrorCode.ConfigInvalid || error.code === ErrorCode.ConfigNotFound
  );
}

function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
