import { AlertStore } from './alerts.js';
import { AnalysisStore } from './analyses.js';
import { ApprovalStore } from './approvals.js';
import { AuditLog } from './audit-log.js';
import { CooccurrenceStore } from './cooccurrence.js';
import { type Db, openDatabase } from './database.js';
import { DiagnosisStore } from './diagnoses.js';
import { IncidentStore } from './incidents.js';
import { LlmUsageStore } from './llm-usage.js';
import { OutboxStore } from './outbox.js';
import { RawEventStore } from './raw-events.js';

/** One SQLite database, one repository per aggregate. */
export class Store {
  readonly rawEvents: RawEventStore;
  readonly alerts: AlertStore;
  readonly incidents: IncidentStore;
  readonly outbox: OutboxStore;
  readonly cooccurrence: CooccurrenceStore;
  readonly analyses: AnalysisStore;
  readonly audit: AuditLog;
  readonly diagnoses: DiagnosisStore;
  readonly llmUsage: LlmUsageStore;
  readonly approvals: ApprovalStore;

  constructor(
    readonly db: Db,
    options: { auditKey?: string | undefined; now?: () => Date } = {},
  ) {
    const now = options.now ?? (() => new Date());
    this.rawEvents = new RawEventStore(db, now);
    this.alerts = new AlertStore(db);
    this.incidents = new IncidentStore(db, now);
    this.outbox = new OutboxStore(db, now);
    this.cooccurrence = new CooccurrenceStore(db);
    this.analyses = new AnalysisStore(db, now);
    this.audit = new AuditLog(db, options.auditKey, now);
    this.diagnoses = new DiagnosisStore(db, now);
    this.llmUsage = new LlmUsageStore(db, now);
    this.approvals = new ApprovalStore(db, now);
  }

  static open(dataDir: string, options: { auditKey?: string | undefined; now?: () => Date } = {}): Store {
    return new Store(openDatabase(dataDir), options);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
