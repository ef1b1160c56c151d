import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type LoadedConfig, loadConfig, withDotEnv } from '../config/load.js';
import { type CliIo, UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  load: () => LoadedConfig;
}

/** Parses a command's flags (every command takes --config) and loads the configuration lazily. */
export function parseCommandArgs(args: string[], options: Options, io: CliIo): CommandArgs {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...options, config: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const configPath = parsed.values.config as string | undefined;
  const load = (): LoadedConfig =>
    loadConfig({
      ...(configPath ? { path: configPath } : {}),
      env: withDotEnv(io.env, io.cwd),
      cwd: io.cwd,
    });
  return { values: parsed.values as CommandArgs['values'], positionals: parsed.positionals, load };
}
