import { AalsError, ErrorCode, errorMessage } from '../errors.js';
import { redactText } from '../observability/redact.js';
import { type CliIo, UsageError } from './io.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

/** Commands load their modules on demand, so `aals parse` does not pay for the Slack SDK. */
const COMMANDS: Record<string, { run: Command; help: string }> = {
  parse: {
    run: async (args, io) => (await import('./commands/parse.js')).parseCommand(args, io),
    help: `aals parse < payload.json
  Reads one JSON payload (a Slack message event, a chat.postMessage / incoming-webhook body, or an
  Alertmanager webhook body) and prints {"alerts":[…]}.`,
  },
  correlate: {
    run: async (args, io) => (await import('./commands/correlate.js')).correlateCommand(args, io),
    help: `aals correlate [--config FILE] < alerts.jsonl
  Reads JSON lines of normalized alerts (as \`aals parse\` prints them) and prints
  {"incidents":[{"id","alerts":[fingerprints],"rootCause","reason",…}]}, using correlation.topology.`,
  },
  detect: {
    run: async (args, io) => (await import('./commands/detect.js')).detectCommand(args, io),
    help: `aals detect --input FILE.csv
  CSV timestamp,value in; timestamp,value,anomaly_score out (score in [0,1], row t uses rows ≤ t only;
  a row counts as anomalous at score ≥ 0.5).`,
  },
  risk: {
    run: async (args, io) => (await import('./commands/risk.js')).riskCommand(args, io),
    help: `aals risk --env development|staging|production [--config FILE] -- "CMD"
  How the risk policy classifies a shell command: {"risk","decision","approvals","reason",…}
  (risk READ_ONLY…CRITICAL; decision auto, notify, approval, manual or denied). Exit 0 for any
  classification, 2 for a missing or unknown --env or no command.`,
  },
  analyze: {
    run: async (args, io) => (await import('./commands/analyze.js')).analyzeCommand(args, io),
    help: `aals analyze --alert FILE.json [--now ISO] [--chart OUT.png] [--json]
  The metric findings for an alert from the configured Prometheus (PROMETHEUS_URL).`,
  },
  search: {
    run: async (args, io) => (await import('./commands/search.js')).searchCommand(args, io),
    help: `aals search "TEXT" [--json] [--limit N] [--source import,github,aals,runbook]
  The most similar past incidents in incident memory, best first, with why each matched;
  --json prints [{"id","title","score","why",…}].`,
  },
  index: {
    run: async (args, io) => (await import('./commands/index-memory.js')).indexCommand(args, io),
    help: `aals index incidents F.jsonl | github [--repo owner/name …] | runbooks [DIR]
  Fills incident memory: JSON lines {"id","title","body","labels"?,"resolution"?,"createdAt"?}
  (re-importing an id updates it), the configured GitHub repositories' incident issues, or a
  directory of Markdown runbooks. Exit 2 when some lines were bad (the rest is imported).`,
  },
  diagnose: {
    run: async (args, io) => (await import('./commands/diagnose.js')).diagnoseCommand(args, io),
    help: `aals diagnose [--alert FILE.json] [TEXT] [--deep] [--json]
  The diagnosis the Slack thread would get for an alert (a normalized alert, {"alerts":[…]}, or any
  payload \`aals parse\` accepts) or alert text: evidence from Prometheus and incident memory, the
  configured LLM (or the rules), every proposed command classified by the risk policy.`,
  },
  doctor: {
    run: async (args, io) => (await import('./commands/doctor.js')).doctorCommand(args, io),
    help: `aals doctor [--json]
  Validates the configuration and checks every enabled integration. Exit 0 when all is well,
  1 when an integration is unreachable, 2 when the configuration is invalid.`,
  },
  audit: {
    run: async (args, io) => (await import('./commands/audit.js')).auditCommand(args, io),
    help: `aals audit verify | tail [-n N] [--json]
  verify: exit 0 when the audit chain is intact, else 1 and the first broken record.
  tail:   the newest audit records.`,
  },
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
    error.code === ErrorCode.BadInput ||
    error.code === ErrorCode.ConfigInvalid ||
    error.code === ErrorCode.ConfigNotFound
  );
}

function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}
