import type { ToolGrammar } from '../spec.js';
import { CLOUD } from './cloud.js';
import { CONTAINERS } from './containers.js';
import { DATABASES } from './databases.js';
import { FILES } from './files.js';
import { NETWORK } from './network.js';
import { OPS } from './ops.js';
import { SYSTEM } from './system.js';

/** Every built-in read-only grammar, one file per tool family. */
export const FAMILIES: readonly (readonly ToolGrammar[])[] = [
  FILES,
  SYSTEM,
  NETWORK,
  CONTAINERS,
  DATABASES,
  CLOUD,
  OPS,
];
