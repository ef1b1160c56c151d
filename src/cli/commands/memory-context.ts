import { resolve } from 'node:path';
import winston from 'winston';
import type { AalsConfig } from '../../config/schema.js';
import { IncidentMemory } from '../../memory/service.js';
import { openDatabase } from '../../store/database.js';
import type { CliIo } from '../io.js';

/** Incident memory over the configured store, for one CLI command; close() when done. */
export function openMemory(config: AalsConfig, io: CliIo): { memory: IncidentMemory; close(): void } {
  const db = openDatabase(resolve(io.cwd, config.storage.dataDir));
  const logger = winston.createLogger({ silent: true });
  const memory = new IncidentMemory(db, config, logger, { cwd: io.cwd });
  return { memory, close: () => db.close() };
}
