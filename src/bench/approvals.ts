import { performance } from 'node:perf_hooks';
import { executorHost, startSshd } from '../testing/sshd.js';
import { tempDir } from '../testing/temp.js';
import { withAals } from './harness.js';
import { ms, stats } from './stats.js';

/**
 * Approve → command output in the thread: a production command requested with `/aals run` needs two
 * approvers; the clock runs from the second Approve click (a real block action through Bolt) to the
 * result message in Slack, over a real sshd on loopback.
 */
const REQUESTER = 'U0BENCHREQ';
const APPROVERS = ['U0BENCHAP1', 'U0BENCHAP2'];

export async function approvalBenchmark(print: (line: string) => void, count = 40): Promise<void> {
  const sshd = await startSshd();
  const markers = tempDir('aals-bench-markers-');
  try {
    const samples = await withAals(
      'http',
      { rateLimit: { perSecond: 1000, burst: 1000 } },
      async (slack) => {
        for (const id of [REQUESTER, ...APPROVERS]) {
          slack.workspace.addUser({ id, name: id.toLowerCase(), realName: id, isBot: false });
        }
        const latencies: number[] = [];
        for (let i = 0; i < count + 5; i++) {
          const command = `touch ${markers.path}/m-${i}`;
          await slack.slashCommand('/aals', `run db-1 -- ${command}`, 'alerts', REQUESTER);
          const request = await slack.waitFor(
            () => slack.messages('alerts').find((m) => m.text.includes(`: ${command} on db-1`)) ?? null,
            5000,
          );
          const block = JSON.stringify(request.blocks).match(/"block_id":"(approval_\d+)"/)?.[1];
          if (!block) throw new Error('no approval buttons on the request');
          await slack.clickButton('alerts', request.ts, `${block}/approval_approve`, APPROVERS[0]);
          const started = performance.now();
          await slack.clickButton('alerts', request.ts, `${block}/approval_approve`, APPROVERS[1]);
          await slack.waitFor(
            () => slack.messages('alerts').some((m) => m.text.startsWith(`Ran: ${command}`)) || null,
            10_000,
          );
          if (i >= 5) latencies.push(performance.now() - started); // the first five warm up
        }
        return stats(latencies);
      },
      {
        slack: { postsPerSecond: 1000, postBurst: 1000 },
        environments: {
          staging: { approvers: APPROVERS },
          production: { approvers: APPROVERS, requiredApprovals: 2 },
        },
        modules: {
          executor: {
            enabled: true,
            hosts: [executorHost(sshd, 'db-1', 'production')],
          },
        },
      },
    );
    print(
      `approve → command output in the thread (production, 2nd of 2 approvals, real sshd on loopback, ${count} commands): p50 ${ms(samples.p50)}  p95 ${ms(samples.p95)}  max ${ms(samples.max)}   [target p95 ≤ 1 s]`,
    );
  } finally {
    await sshd.stop();
    markers.cleanup();
  }
}
