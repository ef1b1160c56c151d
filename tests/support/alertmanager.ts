import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, requireBinary, type Spawned, spawnProcess, waitForHttp } from './processes.js';
import { tempDir } from './temp.js';

/** The real Debian prometheus-alertmanager binary on a loopback port, with a generated config. */
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface RunningAlertmanager {
  url: string;
  process: Spawned;
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  stop(): Promise<void>;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export async function startAlertmanager(configYaml: string, port?: number): Promise<RunningAlertmanager> {
  const binary = requireBinary(ALERTMANAGER_BIN, 'prometheus-alertmanager');
  const dir = tempDir('aals-am-');
  const configFile = join(dir.path, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = spawnProcess(binary, [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    `--web.external-url=${url}`,
    '--log.level=warn',
  ]);
  try {
    await waitForHttp(`${url}/-/ready`, 15000, process.child);
  } catch (error) {
    await process.stop();
    dir.cleanup();
    throw new Error(`${(error as Error).message}\n${process.output()}`);
  }
  return {
    url,
    process,
    async postAlerts(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!response.ok)
        throw new Error(`Alertmanager refused alerts: ${response.status} ${await response.text()}`);
    },
    async stop() {
      await process.stop();
      dir.cleanup();
    },
  };
}
