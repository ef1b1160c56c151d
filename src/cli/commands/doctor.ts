import { approvalBlocker, isModuleEnabled, slackMode } from '../../config/derived.js';
import { ENVIRONMENTS } from '../../config/schema.js';
import { AalsError } from '../../errors.js';
import { checkHealth } from '../../integrations/health.js';
import { slackAuthTest } from '../../slack/auth-test.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, printJson } from '../io.js';

export async function doctorCommand(args: string[], io: CliIo): Promise<number> {
  const { values, load } = parseCommandArgs(args, { json: { type: 'boolean' } }, io);
  let loaded: ReturnType<typeof load>;
  try {
    loaded = load();
  } catch (error) {
    if (!(error instanceof AalsError)) throw error;
    if (values.json) printJson(io, { config: { valid: false, error: error.message }, checks: [] });
    else io.stdout.write(`config: INVALID\n${error.message}\n`);
    return 2;
  }
  const { config, path } = loaded;
  const results = await checkHealth(config, { cwd: io.cwd, slackAuthTest });
  const approvals = Object.fromEntries(
    ENVIRONMENTS.map((env) => [env, approvalBlocker(config, env) ?? 'ready']),
  );
  if (values.json) {
    printJson(io, {
      config: {
        valid: true,
        path,
        environment: config.environment,
        slackMode: slackMode(config),
        modules: Object.fromEntries(
          (['alertmanager', 'prometheus', 'github', 'llm'] as const).map((m) => [
            m,
            isModuleEnabled(config, m),
          ]),
        ),
        approvals,
      },
      checks: results,
    });
  } else {
    io.stdout.write(`config: ok (${path ?? 'built-in defaults'}), environment ${config.environment}\n`);
    for (const result of results) {
      const mark =
        result.status === 'ok' ? 'ok      ' : result.status === 'disabled' ? 'off     ' : 'FAILING ';
      io.stdout.write(`${mark}${result.name.padEnd(13)}${result.detail}\n`);
    }
    for (const [env, state] of Object.entries(approvals)) {
      io.stdout.write(`approvals ${env.padEnd(12)}${state}\n`);
    }
  }
  return results.some((r) => r.status === 'error') ? 1 : 0;
}
