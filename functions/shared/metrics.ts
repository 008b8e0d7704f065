// The EMF metrics every handler shares (Powertools metrics): counts ops alarm on, flushed as one log line per call.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const metricsNamespace = 'SalesOps';

export const metrics = new Metrics({ namespace: metricsNamespace, serviceName: 'sales-ops' });

/** Counts one occurrence of `name` with these dimensions, written at once (steps are short-lived). */
export function countOne(name: string, dimensions: Record<string, string>): void {
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}
