// The ASL rules hold for every workflow definition, and each rule rejects the definition that breaks it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDefinition, unusedRegistryEntries } from '#workflows/asl-rules.ts';
import { listWorkflowSlugs, readDefinitionText } from '#workflows/definitions.ts';
import { type Registry, registry } from '#workflows/registry.ts';
import { exampleRegistry } from '../fixtures/asl/registry.ts';
import { fixtureRegistry } from '../fixtures/workflows/registry.ts';

const slugs = listWorkflowSlugs();

describe('project workflows', () => {
  it.each(slugs)('%s follows every ASL rule', (slug) => {
    expect(checkDefinition(readDefinitionText(slug), registry)).toEqual([]);
  });

  it('uses every registry entry, so no function is deployed for nothing', () => {
    expect(
      unusedRegistryEntries(
        slugs.map((slug) => readDefinitionText(slug)),
        registry,
      ),
    ).toEqual([]);
  });
});

const exampleText = readFileSync(
  new URL('../fixtures/asl/example-approval.asl.json', import.meta.url),
  'utf8',
);

type State = Record<string, unknown>;
type Machine = { States: Record<string, State> } & Record<string, unknown>;

/** The example definition with one change applied, as text. */
function broken(change: (machine: Machine) => void): string {
  const machine = JSON.parse(exampleText) as Machine;
  change(machine);
  return JSON.stringify(machine);
}

const state = (machine: Machine, name: string): State => machine.States[name] as State;

describe('ASL rules on the example definition', () => {
  it('accepts the well-formed example', () => {
    expect(checkDefinition(exampleText, exampleRegistry)).toEqual([]);
    expect(unusedRegistryEntries([exampleText], exampleRegistry)).toEqual([]);
  });

  it.each<[string, (m: Machine) => void, RegExp]>([
    ['an invalid state machine', (m) => (state(m, 'Approved').Type = 'Nope'), /asl-validator/],
    ['a transition to a missing state', (m) => (state(m, 'Ask approver').Next = 'Nowhere'), /asl-validator/],
    ['JSONata at the top', (m) => (m.QueryLanguage = 'JSONata'), /JSONata/],
    ['JSONata in one state', (m) => (state(m, 'Approved').QueryLanguage = 'JSONata'), /JSONata/],
    ['Assign', (m) => (state(m, 'Needs approval?').Assign = { x: 1 }), /Assign/],
    [
      'a Task without TimeoutSeconds',
      (m) => delete state(m, 'Check request').TimeoutSeconds,
      /"Check request" has no TimeoutSeconds/,
    ],
    [
      'a Lambda task without Retry',
      (m) => delete state(m, 'Check request').Retry,
      /"Check request" lacks the standard Retry/,
    ],
    [
      'a Retry missing one Lambda error',
      (m) => {
        const retry = state(m, 'Ask approver').Retry as { ErrorEquals: string[] }[];
        retry[0]?.ErrorEquals.pop();
      },
      /"Ask approver" lacks the standard Retry/,
    ],
    [
      'a Retry without backoff',
      (m) => {
        const retry = state(m, 'Check request').Retry as { BackoffRate: number }[];
        if (retry[0]) retry[0].BackoffRate = 1;
      },
      /"Check request" lacks the standard Retry/,
    ],
    [
      'a callback task without a timeout Catch',
      (m) => delete state(m, 'Ask approver').Catch,
      /no Catch for States.Timeout/,
    ],
  ])('rejects %s', (_, change, expected) => {
    const problems = checkDefinition(broken(change), exampleRegistry);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('rejects a human task whose link deadline differs from its TimeoutSeconds', () => {
    const text = broken((m) => {
      const ask = state(m, 'Ask approver') as { Parameters: { Payload: Record<string, unknown> } };
      ask.Parameters.Payload.deadlineSeconds = 3600;
    });
    expect(checkDefinition(text, exampleRegistry)).toContain(
      'Task "Ask approver" passes deadlineSeconds 3600 but times out at 172800',
    );
  });

  it('accepts the human-task test workflow that the sandbox tests run', () => {
    const text = readFileSync(
      new URL('../fixtures/workflows/task-approval.asl.json', import.meta.url),
      'utf8',
    );
    expect(checkDefinition(text, fixtureRegistry)).toEqual([]);
    expect(unusedRegistryEntries([text], fixtureRegistry)).toEqual([]);
  });

  it('rejects a placeholder the registry does not list', () => {
    const text = exampleText.replace('${ExampleCheckFunction}', '${UnknownFunction}');
    expect(checkDefinition(text, exampleRegistry)).toContain(
      'placeholder ${UnknownFunction} has no entry in the workflow registry',
    );
  });

  it('reports a registry entry no definition uses', () => {
    const withExtra: Registry = { ...exampleRegistry, Leftover: { kind: 'workflow', slug: 'gone' } };
    expect(unusedRegistryEntries([exampleText], withExtra)).toEqual(['Leftover']);
  });

  it('finds rule breaks inside Parallel branches', () => {
    const text = broken((m) => {
      const inner = structuredClone(state(m, 'Check request'));
      delete inner.TimeoutSeconds;
      inner.End = true;
      delete inner.Next;
      m.States['Check request'] = {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Inner check', States: { 'Inner check': inner } }],
        ResultSelector: { verdict: 'manual' },
        ResultPath: '$.check',
        Next: 'Needs approval?',
      };
    });
    expect(checkDefinition(text, exampleRegistry)).toContain('Task "Inner check" has no TimeoutSeconds');
  });
});
