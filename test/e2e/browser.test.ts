// In a real browser: a task page opened from a captured mail and decided by a click; the console showing a history.
import { fileURLToPath } from 'node:url';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRegistry } from '../fixtures/workflows/registry.ts';
import { fileTestRequest } from '../fixtures/workflows/test-requests.ts';
import { browserAvailable, launchBrowser } from './browser.ts';
import { eventually, startTestSandbox, type TestSandbox, taskLinkIn } from './harness.ts';

let sandbox: TestSandbox;
let browser: Browser;

describe.runIf(browserAvailable)('in headless Chromium', () => {
  beforeAll(async () => {
    sandbox = await startTestSandbox({
      definitionsDir: fileURLToPath(new URL('../fixtures/workflows/', import.meta.url)),
      registry: fixtureRegistry,
      workflowSlugs: ['task-approval'],
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('decides a task from the link in its mail with one click, and the console shows the execution', async () => {
    const { executionArn } = await sandbox.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: sandbox.stateMachines.get('task-approval'),
        name: 'EX-2026-00777',
        input: fileTestRequest({
          id: 'EX-2026-00777',
          title: 'Client dinner EX-2026-00777',
          amount: { amount: 88800, currency: 'CNY' },
          assignee: { person: 'anna.smith@example.com' },
          requester: 'li.lei@example.com',
        }),
      }),
    );
    const mail = await eventually(
      async () => (await sandbox.mails('anna.smith@example.com'))[0],
      'task mail',
    );
    const page = await browser.newPage();

    await page.goto(taskLinkIn(mail).href);
    expect(await page.locator('h1').first().textContent()).toContain('Client dinner EX-2026-00777');
    await page.locator('button[name="outcome"][value="approve"]').click();
    await page.waitForLoadState('load');
    expect(await page.locator('body').textContent()).toMatch(/recorded|Thank you/i);
    expect((await sandbox.finished(executionArn as string)).status).toBe('SUCCEEDED');

    await page.goto(`${sandbox.url}/_local/console`);
    expect(await page.locator('body').textContent()).toContain('EX-2026-00777');
    await page.locator('a', { hasText: 'EX-2026-00777' }).first().click();
    await page.waitForLoadState('load');
    const rows = page.locator('li.event');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    const history = await page.locator('ol.timeline').textContent();
    expect(history).toContain('Ask approver');
    expect(history).toContain('Execution succeeded');
    expect(history).toContain('"outcome": "approve"');
    await page.close();
  });
});
