import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OnlineDetector } from '../analyzers/anomaly/detector.js';
import {
  type CorpusEvaluation,
  evaluateDetector,
  type LabelledSeries,
  loadMsCloudCorpus,
  loadNabCorpus,
  type ThresholdChoice,
} from '../analyzers/anomaly/nab.js';
import { errorMessage } from '../errors.js';

/**
 * Anomaly detection quality on labelled real metrics, scored the NAB way (see
 * shared/datasets/README.md): normalized standard / reward-low-FP / reward-low-FN scores at the
 * product's fixed threshold 0.5 and at the best threshold for each profile (what NAB's scoreboard
 * reports), and detector throughput. nab-dev was used to choose the detector's fixed parameters;
 * ms-cloud-monitoring was not, so it is the held-out check.
 */

/** `../shared/datasets` next to the repository (this file is src/bench or dist/bench). */
export const DEFAULT_DATASETS_DIR = fileURLToPath(new URL('../../../shared/datasets', import.meta.url));

const THRESHOLD = 0.5;

export function nabBenchmark(print: (line: string) => void, datasetsDir = DEFAULT_DATASETS_DIR): void {
  if (!existsSync(datasetsDir)) {
    print(`anomaly detection (NAB scoring): skipped, datasets folder ${datasetsDir} does not exist`);
    return;
  }
  const corpora: Array<[string, (dir: string) => LabelledSeries[]]> = [
    ['nab-dev', loadNabCorpus],
    ['ms-cloud-monitoring (held out)', loadMsCloudCorpus],
  ];
  for (const [name, load] of corpora) {
    let corpus: LabelledSeries[];
    try {
      corpus = load(datasetsDir);
    } catch (error) {
      print(`anomaly detection, ${name}: skipped, ${errorMessage(error)}`);
      continue;
    }
    const e = evaluateDetector(corpus, () => new OnlineDetector(), THRESHOLD);
    for (const line of report(name, e)) print(line);
  }
  print('   [target: NAB standard score ≥ 60 at the fixed threshold 0.5 on nab-dev]');
}

function report(name: string, e: CorpusEvaluation): string[] {
  const n = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  const at = (c: ThresholdChoice) =>
    `${n(c.score)} (threshold ${Number.isFinite(c.threshold) ? c.threshold.toFixed(3) : 'above every score'})`;
  return [
    `anomaly detection, ${name}: ${e.files} files, ${e.windows} windows, ${e.rows.toLocaleString('en-US')} rows; ${Math.round(e.rowsPerSecond).toLocaleString('en-US')} rows/s`,
    `   at threshold ${THRESHOLD}: standard ${n(e.fixed.standard)}, low FP ${n(e.fixed.reward_low_FP_rate)}, low FN ${n(e.fixed.reward_low_FN_rate)} (${e.detectedWindows}/${e.windows} windows detected, ${e.falsePositives} false positives, ${e.detections} detections)`,
    `   at the best threshold: standard ${at(e.best.standard)}, low FP ${at(e.best.reward_low_FP_rate)}, low FN ${at(e.best.reward_low_FN_rate)}`,
  ];
}
