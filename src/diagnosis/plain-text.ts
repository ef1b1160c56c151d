import type { Diagnosis } from '../domain/diagnosis.js';
import { usd } from '../llm/budget.js';

/** A diagnosis for a terminal (the CLI) or a log: plain text, one fact per line. */
export function diagnosisText(d: Diagnosis): string {
  const lines = [
    `Diagnosis (${d.source === 'rules' ? 'rules, no LLM' : d.author}${d.usage ? `, ${d.usage.steps} steps, ${usd(d.usage.costUsd)}` : ''}${d.cached ? ', cached' : ''}, ${d.millis} ms)`,
    d.summary,
  ];
  if (d.rootCause) {
    lines.push(
      `Likely root cause: ${d.rootCause.candidate} (confidence ${Math.round(d.rootCause.confidence * 100)} %)`,
      `  ${d.rootCause.reasoning}`,
    );
  }
  if (d.evidence.length) lines.push('Evidence:', ...d.evidence.map((e) => `  ${e.ref}: ${e.note}`));
  if (d.actions.length) {
    lines.push('Proposed commands:');
    for (const a of d.actions) {
      const { risk, decision, approvals } = a.assessment;
      lines.push(
        `  ${a.command}${a.host ? `  [on ${a.host}]` : ''}  ${risk} / ${decision}${decision === 'approval' ? ` (${approvals})` : ''}  — ${a.purpose}`,
      );
    }
  }
  if (d.nextChecks.length) lines.push('Check next:', ...d.nextChecks.map((c) => `  - ${c}`));
  for (const note of d.notes) lines.push(`Note: ${note}`);
  return `${lines.join('\n')}\n`;
}
