// Fails CI when a real-component suite did not run or ran no tests, or when any test was skipped:
// a suite that silently skips proves nothing.
import { readFileSync } from 'node:fs';

const REQUIRED = [
  'tests/integration/alertmanager.test.ts',
  'tests/integration/slack-app.test.ts',
  'tests/integration/crash-recovery.test.ts',
  'tests/integration/bad-input.test.ts',
  'tests/integration/intake.test.ts',
  'tests/integration/slack-resilience.test.ts',
  'tests/integration/prometheus-analyzer.test.ts',
  'tests/integration/metrics-in-thread.test.ts',
  'tests/integration/incident-memory.test.ts',
  'tests/unit/memory-github.test.ts',
  'tests/unit/memory-retrieval.test.ts',
  'tests/integration/diagnosis.test.ts',
  'tests/unit/diagnosis-llm.test.ts',
  'tests/unit/llm-anthropic.test.ts',
  'tests/unit/llm-openai.test.ts',
  'tests/evals/evals.test.ts',
  'tests/unit/risk-table.test.ts',
  'tests/integration/ssh-executor.test.ts',
  'tests/integration/confined-command.test.ts',
  'tests/integration/hostile-model.test.ts',
  'tests/integration/canonical-table.test.ts',
  'tests/unit/risk-ground-truth.test.ts',
  'tests/unit/fuzz-grammar.test.ts',
  'tests/integration/approvals.test.ts',
  'tests/integration/app-home.test.ts',
  'tests/integration/end-to-end.test.ts',
  'tests/integration/sandbox-ui.test.ts',
  'tests/integration/crash-approvals.test.ts',
  'tests/integration/crash-chaos.test.ts',
  'tests/integration/crash-stages.test.ts',
  'tests/integration/security.test.ts',
  'tests/integration/faults.test.ts',
];

const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const problems = [];
for (const suite of REQUIRED) {
  const found = results.testResults.find((r) => r.name.endsWith(suite));
  if (!found) problems.push(`${suite} did not run`);
  else if (found.status !== 'passed') problems.push(`${suite} ${found.status}`);
  else if (!found.assertionResults.some((a) => a.status === 'passed')) problems.push(`${suite} ran no tests`);
}
const skipped = results.numPendingTests + results.numTodoTests;
if (skipped > 0) problems.push(`${skipped} tests were skipped or todo`);
if (problems.length > 0) {
  console.error(`CI: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(
  `CI: ${results.numPassedTests} tests passed in ${results.numTotalTestSuites} suites; real-component suites ran.`,
);
