import { destroy, type ProgramRule, read } from '../verdict.js';
import { CONTAINER_RULES } from './containers.js';
import { DATA_RULES } from './data.js';
import { EXEC_RULES, isInterpreter } from './exec.js';
import { FILE_RULES } from './files.js';
import { NETWORK_RULES } from './network.js';
import { PROCESS_RULES } from './processes.js';
import { PLAIN_READERS } from './readers.js';
import { SYSTEM_RULES } from './system.js';
import { TEXT_RULES } from './text.js';

/** Every program the classifier knows; a program missing here is never read-only. */
const RULES: Record<string, ProgramRule> = {
  ...Object.fromEntries(
    PLAIN_READERS.map((name) => [name, (() => read(`${name} only reads`)) satisfies ProgramRule]),
  ),
  ...FILE_RULES,
  ...TEXT_RULES,
  ...PROCESS_RULES,
  ...SYSTEM_RULES,
  ...NETWORK_RULES,
  ...CONTAINER_RULES,
  ...DATA_RULES,
  ...EXEC_RULES,
};

const mkfs: ProgramRule = (ctx) => destroy(`${ctx.name} creates a file system, erasing the device`);

export function ruleFor(name: string): ProgramRule | undefined {
  if (Object.hasOwn(RULES, name)) return RULES[name];
  if (/^mkfs(\.|$)/.test(name)) return mkfs;
  if (isInterpreter(name)) return RULES.python3;
  return undefined;
}
