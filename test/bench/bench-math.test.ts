// The bench's pure helpers: nearest-rank percentiles and the cost of a workflow run at list prices.
import { describe, expect, it } from 'vitest';
import { packageOf } from '../../bench/bundles.ts';
import { costPer1000Runs, lambdaGbSeconds, prices } from '../../bench/prices.ts';
import { percentile, summarize } from '../../bench/stats.ts';

describe('percentile', () => {
  it('is nearest-rank: always a measured value, never an interpolation', () => {
    const runs = Array.from({ length: 25 }, (_, i) => 25 - i); // 25 … 1, unsorted on purpose
    expect(percentile(runs, 50)).toBe(13);
    expect(percentile(runs, 90)).toBe(23);
    expect(percentile(runs, 99)).toBe(25);
    expect(percentile(runs, 100)).toBe(25);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('refuses no samples and a percentile outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes without reordering the caller’s samples', () => {
    const samples = [3, 1, 2];
    expect(summarize(samples)).toEqual({ count: 3, min: 1, p50: 2, p90: 3, p99: 3, max: 3, mean: 2 });
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('cost per 1,000 runs', () => {
  it('bills Lambda per started millisecond, at least 1 ms, at 512 MB', () => {
    expect(lambdaGbSeconds([1000])).toBeCloseTo(0.5);
    expect(lambdaGbSeconds([0.2, 1.2])).toBeCloseTo((1 + 2) / 1000 / 2);
  });

  it('adds transitions, Lambda compute and requests, and write units at the list prices', () => {
    const cost = costPer1000Runs({ transitions: 20, lambdaDurationsMs: [100, 100], dynamoWrites: 10 });
    expect(cost.stepFunctions).toBeCloseTo(20 * 0.025);
    expect(cost.lambda).toBeCloseTo(1000 * (0.1 * prices.lambdaArmPerGbSecond + 2 * 0.2e-6));
    expect(cost.dynamodb).toBeCloseTo(1000 * 10 * 0.625e-6);
    expect(cost.total).toBeCloseTo(cost.stepFunctions + cost.lambda + cost.dynamodb);
  });
});

describe('packageOf', () => {
  it('names the package a bundled input comes from', () => {
    expect(packageOf('node_modules/@aws-sdk/client-sfn/dist-es/index.js')).toBe('@aws-sdk/client-sfn');
    expect(packageOf('node_modules/zod/v4/classic/schemas.js')).toBe('zod');
    expect(packageOf('functions/human-tasks/task-page.ts')).toBe('(project)');
  });
});
