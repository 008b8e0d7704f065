// Each workflow's definition and its kit module agree: the same human steps, the endings it asks for, words for each.
import { describe, expect, it } from 'vitest';
import { contractReview } from '#contract-review/workflow.ts';
import { expenseApplication } from '#expense-application/workflow.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import { readDefinitionText } from '#workflows/definitions.ts';

type State = { Type: string; Resource?: string; Parameters?: { Payload?: Record<string, unknown> } };

const modules = [expenseApproval, expenseApplication, contractReview];

function statesOf(slug: string): [string, State][] {
  return Object.entries((JSON.parse(readDefinitionText(slug)) as { States: Record<string, State> }).States);
}

describe.each(modules.map((workflow) => [workflow.slug, workflow] as const))('%s', (slug, workflow) => {
  it('declares exactly the human steps its definition waits on', () => {
    const waiting = statesOf(slug)
      .filter(([, state]) => state.Resource?.endsWith('.waitForTaskToken'))
      .map(([name]) => name);
    expect(Object.keys(workflow.humanSteps).sort()).toEqual(waiting.sort());
  });

  it('has every ending its definition asks for, and words for every step', () => {
    const endings = statesOf(slug).flatMap(([, state]) => {
      const ending = state.Parameters?.Payload?.ending;
      return typeof ending === 'string' ? [ending] : [];
    });
    expect(endings.length).toBeGreaterThan(0);
    for (const ending of endings) expect(Object.keys(workflow.endings)).toContain(ending);
    for (const step of Object.keys(workflow.humanSteps)) {
      expect(workflow.words.steps[step], step).toMatchObject({
        'zh-CN': expect.any(String),
        en: expect.any(String),
      });
    }
  });
});
