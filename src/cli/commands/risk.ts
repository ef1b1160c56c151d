import { assessCommand, environmentName } from '../../policy/assessor.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, printJson, UsageError } from '../io.js';

/**
 * `aals risk --env ENV [--config FILE] -- "CMD"`: how the risk policy classifies a command, as JSON
 * `{"risk","decision","approvals","reason",…}`. A CRITICAL or denied command is still a successful
 * classification (exit 0); only bad usage exits 2.
 */
export async function riskCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, load } = parseCommandArgs(args, { env: { type: 'string', short: 'e' } }, io);
  const env = values.env as string | undefined;
  if (!env)
    throw new UsageError(
      'risk needs --env development|staging|production, e.g. aals risk --env production -- "df -h"',
    );
  const environment = environmentName(env);
  if (!environment) throw new UsageError(`unknown --env '${env}' (use development, staging or production)`);
  // Several words after `--` are joined with spaces: quote the command to keep its own quoting.
  const command = positionals.join(' ');
  if (command.trim() === '')
    throw new UsageError('risk needs a command after --, e.g. aals risk --env production -- "df -h"');
  const { config } = load();
  const assessment = await assessCommand(command, environment, {
    policy: config.policy,
    requiredApprovals: config.environments[environment].requiredApprovals,
  });
  printJson(io, assessment);
  return 0;
}
