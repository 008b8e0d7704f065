// The ops console in headless Chromium: filter executions, see the graph with the current state marked and who it waits for, stop one with a cause, redrive it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '#shared/clock.ts';
import { browserAvailable, launchBrowser } from './browser.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';

let sandbox: TestSandbox;
let browser: Browser;
let page: Page;
const claims: string[] = [];

describe.runIf(browserAvailable)('the ops console in headless Chromium', () => {
  beforeAll(async () => {
    sandbox = await startTestSandbox();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const finance = await sandbox.login('qian.yu@example.com');
    const rep = await sandbox.login('li.lei@example.com');
    const today = localDate(sandbox.clock.now());
    await sandbox.request('PUT', `/budgets/CONSOLE/${today.slice(0, 7)}`, {
      token: finance,
      json: { limit: { amount: 10_000_000, currency: 'CNY' } },
    });
    for (const title of ['Trade fair', 'Client dinner']) {
      const filed = await sandbox.request('POST', '/expenses', {
        token: rep,
        json: {
          title,
          costCenter: 'CONSOLE',
          items: [
            {
              category: 'travel',
              amount: { amount: 120_000, currency: 'CNY' },
              date: today,
              description: title,
              receipt: 'R-1',
            },
          ],
        },
      });
      claims.push(filed.json<{ id: string }>().id);
    }
    await eventually(
      async () => ((await sandbox.mails('zhao.min@example.com')).length >= 2 ? true : undefined),
      'task mails',
    );
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('filters executions by business id, workflow and status', async () => {
    const [first, second] = claims as [string, string];
    await page.goto(`${sandbox.url}/_local/console`);
    expect(await page.locator('tr.execution').count()).toBe(2);
    await page.fill('input[name="businessId"]', first);
    await page.click('button[type="submit"]');
    await page.waitForLoadState('load');
    expect(page.url()).toContain(`businessId=${first}`);
    const rows = page.locator('tr.execution');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(first);
    expect(await rows.first().textContent()).not.toContain(second);
    // Where it waits, for whom: the supervisor, by name.
    expect(await rows.first().textContent()).toMatch(/Supervisor review — waiting for 赵敏/);

    await page.goto(`${sandbox.url}/_local/console`);
    await page.selectOption('select[name="workflow"]', 'expense-approval');
    await page.selectOption('select[name="status"]', 'SUCCEEDED');
    await page.click('button[type="submit"]');
    await page.waitForLoadState('load');
    expect(await page.locator('tr.execution').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('No execution matches.');
  });

  it('shows the graph with the current state marked, where it waits, and no task token', async () => {
    const [first] = claims as [string];
    await page.goto(`${sandbox.url}/_local/console?businessId=${first}`);
    await page.locator('a', { hasText: first }).first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('h1').textContent()).toContain(first);
    const current = page.locator('svg.graph g.state.current');
    expect(await current.count()).toBe(1);
    expect(await current.getAttribute('data-state')).toBe('Supervisor review');
    // Every state of the definition is drawn; none but the current one is marked yet.
    expect(await page.locator('svg.graph g.state').count()).toBe(21);
    expect(await page.locator('svg.graph g.state.visited').count()).toBe(0);
    const waits = await page.locator('.standing').textContent();
    expect(waits).toContain('赵敏');
    expect(waits).toContain('zhao.min@example.com');
    const html = await page.content();
    expect(html).not.toMatch(/"taskToken":\s*"[A-Za-z0-9_-]{20,}"/);
  });

  it('stops an execution with a cause, then redrives it from the state it stood in', async () => {
    const [first] = claims as [string];
    await page.fill('input[name="cause"]', 'filed twice by mistake');
    await page.click('button:has-text("Stop execution")');
    await page.waitForLoadState('load');
    expect(await page.locator('.notice').textContent()).toContain('Stopped');
    expect(await page.locator('h1 .pill').textContent()).toBe('ABORTED');
    expect(await page.locator('.error').first().textContent()).toContain('filed twice by mistake');
    expect(await page.locator('ol.timeline').textContent()).toContain('Execution aborted');

    await page.click('button:has-text("Redrive")');
    await page.waitForLoadState('load');
    expect(await page.locator('.notice').textContent()).toContain('Redriven');
    expect(await page.locator('h1 .pill').textContent()).toBe('RUNNING');
    expect(await page.locator('.facts').textContent()).toContain('1×');
    expect(await page.locator('ol.timeline').textContent()).toContain('Redriven (1)');
    // The supervisor gets a new task for it, decides it, and the claim goes on to finance.
    await sandbox.client.decideFromMail('zhao.min@example.com', first, 'approve');
    await eventually(async () => {
      await page.reload();
      return (await page.locator('svg.graph g.state.current').getAttribute('data-state')) === 'Finance review'
        ? true
        : undefined;
    }, 'the claim at finance review');
    expect(await page.locator('svg.graph g.state.visited[data-state="Supervisor review"]').count()).toBe(1);
  });
});
