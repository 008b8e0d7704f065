// The EMF metrics every handler shares (Powertools metrics): counts and gauges ops alarm on, one log line each.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricsNamespace, metricsService, type OpsMetric } from './ops-metrics.ts';

export { metricsNamespace } from './ops-metrics.ts';

export const metrics = new Metrics({
  namespace: metricsNamespace,
  serviceName: metricsService,
  // The stack sets STAGE on every function; the sandbox and tests have none.
  defaultDimensions: { stage: process.env.STAGE ?? 'local' },
});

/** Counts one occurrence of `name` with these dimensions, written at once (steps are short-lived). */
export function countOne(name: OpsMetric, dimensions: Record<string, string> = {}): void {
  record(name, 1, MetricUnit.Count, dimensions);
}

/** A gauge: the value now (open tasks, the oldest one's age), written at once. */
export function gauge(
  name: OpsMetric,
  value: number,
  unit: 'Count' | 'Seconds',
  dimensions: Record<string, string> = {},
): void {
  record(name, value, unit === 'Count' ? MetricUnit.Count : MetricUnit.Seconds, dimensions);
}

function record(
  name: OpsMetric,
  value: number,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit],
  dimensions: Record<string, string>,
): void {
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
  single.addMetric(name, unit, value);
}
