import { AalsError, ErrorCode } from '../../errors.js';
import { parsePayload } from '../../readers/registry.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, printJson, readAll, UsageError } from '../io.js';

export async function parseCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals, load } = parseCommandArgs(args, {}, io);
  if (positionals.length > 0)
    throw new UsageError('parse reads its payload from stdin and takes no arguments');
  load();
  const input = await readAll(io.stdin);
  if (!input.trim()) throw new UsageError('no input: pipe one JSON payload into stdin');
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch (error) {
    throw new UsageError(`input is not valid JSON: ${(error as Error).message}`);
  }
  try {
    const { alerts } = parsePayload(payload, { receivedAt: new Date() });
    printJson(io, { alerts });
    return 0;
  } catch (error) {
    if (error instanceof AalsError && error.code === ErrorCode.BadInput) throw new UsageError(error.message);
    throw error;
  }
}
