import { z } from 'zod';
import { AalsError, ErrorCode, errorMessage } from '../../errors.js';

/** The parts of Alertmanager's API v2 AALS uses: health and the alerts it holds. */
const ApiAlert = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  fingerprint: z.string(),
  generatorURL: z.string().optional(),
  status: z.object({ state: z.string() }).optional(),
});
export type AlertmanagerApiAlert = z.infer<typeof ApiAlert>;

export interface AlertmanagerClientOptions {
  url: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export class AlertmanagerClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: AlertmanagerClientOptions) {
    this.base = options.url.replace(/\/$/, '');
    this.fetchFn = options.fetch ?? fetch;
  }

  /** Active alerts matching every `name="value"` matcher. */
  async alerts(matchers: Record<string, string>): Promise<AlertmanagerApiAlert[]> {
    const query = new URLSearchParams({ active: 'true' });
    for (const [name, value] of Object.entries(matchers))
      query.append('filter', `${name}=${quoteMatcherValue(value)}`);
    const body = await this.get(`/api/v2/alerts?${query}`);
    const parsed = z.array(ApiAlert).safeParse(body);
    if (!parsed.success) {
      throw new AalsError(
        ErrorCode.IntegrationUnavailable,
        'Alertmanager returned alerts in an unexpected shape',
      );
    }
    return parsed.data;
  }

  /** Version and cluster status; throws when Alertmanager is unreachable. */
  async status(): Promise<{ version: string }> {
    const body = (await this.get('/api/v2/status')) as { versionInfo?: { version?: string } };
    return { version: body.versionInfo?.version ?? 'unknown' };
  }

  private async get(path: string): Promise<unknown> {
    const url = `${this.base}${path}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw new AalsError(
        ErrorCode.IntegrationUnavailable,
        `Alertmanager unreachable at ${this.base}: ${errorMessage(error)}`,
        {
          url,
        },
      );
    }
    if (!response.ok) {
      const text = (await response.text()).slice(0, 200);
      throw new AalsError(
        ErrorCode.IntegrationUnavailable,
        `Alertmanager answered ${response.status} for ${path}: ${text}`,
        {
          url,
          status: response.status,
        },
      );
    }
    return response.json();
  }
}

/** Matcher values are double-quoted with `\` and `"` escaped, as Alertmanager's parser expects. */
export function quoteMatcherValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
