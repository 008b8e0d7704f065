// The console's graph and timeline: every state and transition of a definition drawn, marks where they belong, failures collapsed, tokens hidden.
import { readFileSync } from 'node:fs';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { renderGraph } from '#infra/local/console/graph.ts';
import { renderExecution, timeline } from '#infra/local/console/pages.ts';

const definition = readFileSync(
  new URL('../../workflows/expense-approval.asl.json', import.meta.url),
  'utf8',
);
const marks = (visited: string[], current: string[] = [], failed: string[] = []) => ({
  visited: new Set(visited),
  current: new Set(current),
  failed: new Set(failed),
});
const attr = (svg: string, state: string) =>
  new RegExp(`<g class="([^"]*)" data-state="${state.replace(/[?]/g, '\\?')}"`).exec(svg)?.[1];

describe('the graph', () => {
  it('draws every state once, marks visited and current, and is plain SVG without scripts', () => {
    const svg = renderGraph(
      definition,
      marks(['Supervisor review', 'Record supervisor decision'], ['Supervisor decision?']),
    ).toString();
    const states = Object.keys(JSON.parse(definition).States as object);
    for (const state of states)
      expect(svg.match(new RegExp(`data-state="${state.replace(/[?]/g, '\\?')}"`, 'g'))).toHaveLength(1);
    expect(attr(svg, 'Supervisor review')).toBe('state task visited');
    expect(attr(svg, 'Supervisor decision?')).toBe('state choice current');
    expect(attr(svg, 'Finance review')).toBe('state task');
    expect(svg).toMatch(/^<svg class="graph" xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|href="http/);
  });

  it('draws transitions with their choice values, named Catches dashed, and every Catch-all once', () => {
    const svg = renderGraph(definition, marks([])).toString();
    // Next, Choices and Default, and named Catches (timeouts); not the Catch-all of every task.
    expect((svg.match(/class="edge next/g) ?? []).length).toBeGreaterThan(8);
    expect((svg.match(/class="edge catch/g) ?? []).length).toBe(3 + 1);
    expect(svg).toContain('>approve</text>');
    expect(svg).toContain('>otherwise</text>');
    expect(svg).toContain('>timeout</text>');
    expect((svg.match(/any step fails/g) ?? []).length).toBe(1);
  });

  it('marks a failed state, and lays out Parallel branches inside their state', () => {
    const svg = renderGraph(
      definition,
      marks(['Needs attention'], [], ['Stopped: needs attention']),
    ).toString();
    expect(attr(svg, 'Stopped: needs attention')).toBe('state fail failed');
    const parallel = readFileSync(
      new URL('../fixtures/sfn/restart-parallel.asl.json', import.meta.url),
      'utf8',
    );
    const nested = renderGraph(parallel, marks(['Both', 'Settle'], ['Ask', 'Quote'])).toString();
    expect(attr(nested, 'Both')).toBe('state parallel visited');
    expect(attr(nested, 'Quote')).toBe('state task current');
    expect(nested.indexOf('data-state="Both"')).toBeLessThan(nested.indexOf('data-state="Ask"'));
  });

  it('says so, instead of failing, when the definition is not JSON', () => {
    expect(renderGraph('{', marks([])).toString()).toContain('could not be read');
  });
});

const at = (second: number) => new Date(Date.UTC(2026, 11, 1, 9, 0, second));
const events: HistoryEvent[] = [
  {
    id: 1,
    type: 'ExecutionStarted',
    timestamp: at(0),
    executionStartedEventDetails: { input: '{"subject":{"id":"EX-1"}}' },
  },
  {
    id: 2,
    type: 'TaskStateEntered',
    timestamp: at(0),
    stateEnteredEventDetails: { name: 'Supervisor review', input: '{}' },
  },
  {
    id: 3,
    type: 'TaskScheduled',
    timestamp: at(0),
    taskScheduledEventDetails: {
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region: 'us-east-1',
      parameters: '{"Payload":{"taskToken":"abc"}}',
    },
  },
  {
    id: 4,
    type: 'TaskSubmitted',
    timestamp: at(1),
    taskSubmittedEventDetails: { resourceType: 'lambda', resource: 'x' },
  },
  {
    id: 5,
    type: 'TaskSucceeded',
    timestamp: at(30),
    taskSucceededEventDetails: { resourceType: 'lambda', resource: 'x', output: '{"outcome":"approve"}' },
  },
  {
    id: 6,
    type: 'TaskStateExited',
    timestamp: at(30),
    stateExitedEventDetails: {
      name: 'Supervisor review',
      output: '{"decision":{"outcome":"approve","taskToken":"secret-token-value"}}',
    },
  },
  {
    id: 7,
    type: 'ExecutionAborted',
    timestamp: at(40),
    executionAbortedEventDetails: { error: 'StoppedFromConsole', cause: 'filed twice' },
  },
  { id: 8, type: 'ExecutionRedriven', timestamp: at(50), executionRedrivenEventDetails: { redriveCount: 1 } },
];

describe('the timeline', () => {
  it('folds each state visit with its task events, and keeps the execution events', () => {
    const entries = timeline(events);
    expect(entries.map((e) => e.title)).toEqual([
      'Execution started',
      'Supervisor review',
      'Execution aborted',
      'Redriven (1)',
    ]);
    expect(entries[1]?.chips.map((c) => c.text)).toEqual(['waiting for a person', 'succeeded']);
    expect(entries[1]?.ended).toEqual(at(30));
    expect(entries[2]?.error).toBe('StoppedFromConsole: filed twice');
  });

  it('never shows a task token on the page', () => {
    const page = renderExecution({
      executionArn: 'arn:aws:states:us-east-1:000000000000:execution:local-expense-approval:EX-1-r1',
      name: 'EX-1-r1',
      workflow: 'expense-approval',
      status: 'RUNNING',
      businessId: 'EX-1',
      startDate: at(0),
      redriveCount: 1,
      standing: [],
      now: at(60),
      input: '{"subject":{"id":"EX-1"},"taskToken":"another-secret"}',
      redrivable: false,
      definition,
      visited: new Set(['Supervisor review']),
      current: new Set(),
      failed: new Set(),
      events,
    });
    expect(page).not.toContain('secret-token-value');
    expect(page).not.toContain('another-secret');
    expect(page).toContain('(task token, hidden)');
    expect(page).not.toMatch(/<script/i);
  });
});
