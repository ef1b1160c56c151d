import { resolve } from 'node:path';
import { AuditLog } from '../../store/audit-log.js';
import { openDatabase } from '../../store/database.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, printJson, UsageError } from '../io.js';

export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, load } = parseCommandArgs(
    args,
    { n: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
    io,
  );
  const [action] = positionals;
  if (action !== 'verify' && action !== 'tail')
    throw new UsageError('expected `audit verify` or `audit tail`');
  const { config } = load();
  const db = openDatabase(resolve(io.cwd, config.storage.dataDir));
  try {
    const audit = new AuditLog(db, config.audit.key);
    if (action === 'verify') {
      const result = audit.verify();
      if (values.json) printJson(io, result);
      else if (result.ok)
        io.stdout.write(`audit chain intact: ${result.records} records, head ${result.head.slice(0, 16)}\n`);
      else io.stdout.write(`audit chain broken at record ${result.brokenAt}: ${result.reason}\n`);
      return result.ok ? 0 : 1;
    }
    const limit = Number(values.n ?? 20);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('-n takes a positive whole number');
    const records = audit.tail(limit);
    if (values.json) printJson(io, records);
    else {
      for (const r of records) {
        io.stdout.write(
          `${r.id}\t${r.at}\t${r.actor}\t${r.action}\t${r.subject ?? '-'}\t${JSON.stringify(r.details)}\n`,
        );
      }
    }
    return 0;
  } finally {
    db.close();
  }
}
