// The task page on a phone and a desktop, in Chromium: the decision is in reach without scrolling past a long claim.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '#shared/clock.ts';
import { browserAvailable, launchBrowser } from './browser.ts';
import { startTestSandbox, type TestSandbox, taskLinkIn } from './harness.ts';

let sandbox: TestSandbox;
let browser: Browser;
let link: URL;

/** Where the screenshots go, for a person to look at (`SCREENSHOTS=dir npx vitest run …`). */
const screenshots = process.env.SCREENSHOTS;

describe.runIf(browserAvailable)('the task page in headless Chromium', () => {
  beforeAll(async () => {
    sandbox = await startTestSandbox();
    browser = await launchBrowser();
    const finance = await sandbox.login('qian.yu@example.com');
    const rep = await sandbox.login('li.lei@example.com');
    const today = localDate(sandbox.clock.now());
    await sandbox.request('PUT', `/budgets/SALES-EAST/${today.slice(0, 7)}`, {
      token: finance,
      json: { limit: { amount: 10_000_000, currency: 'CNY' } },
    });
    // A long claim: 30 items, some with long descriptions and receipt references that must wrap on a phone.
    const items = Array.from({ length: 30 }, (_, i) => ({
      category: i % 3 === 0 ? 'entertainment' : 'travel',
      amount: { amount: 30_000 + i * 100, currency: 'CNY' },
      date: today,
      description:
        i % 5 === 0
          ? '与华东区重点客户的年度合作洽谈晚宴，含会议室租用、茶歇和交通，共计十二人参加，详见附件中的参会名单与行程安排'
          : `第 ${i + 1} 天：上海至苏州往返高铁`,
      receipt: `INV-2026-${'0'.repeat(20)}${i}`,
    }));
    const filed = await sandbox.request('POST', '/expenses', {
      token: rep,
      json: { title: '华东区客户拜访与年度洽谈（十一月）', costCenter: 'SALES-EAST', items },
    });
    expect(filed.status).toBe(201);
    const { id } = filed.json<{ id: string }>();
    const { link: mailed } = await sandbox.client.decideFromMail('zhao.min@example.com', id, 'approve');
    void mailed;
    // The sales manager's task is next: the long claim as the second reviewer sees it.
    link = await (async () => {
      for (let i = 0; i < 200; i++) {
        const mail = (await sandbox.mails('sun.li@example.com')).find((m) => m.text.includes(id));
        if (mail) return taskLinkIn(mail);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('no task mail for the sales manager');
    })();
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  async function open(width: number, height: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(link.href);
    if (screenshots)
      await page.screenshot({ path: join(screenshots, `task-page-${width}x${height}.png`), fullPage: false });
    return page;
  }

  it('on a 390×844 phone, shows the decision buttons at once and nothing wider than the screen', async () => {
    const page = await open(390, 844);
    const approve = page.locator('button[name="outcome"][value="approve"]');
    expect(await approve.isVisible()).toBe(true);
    const box = await approve.boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(844);
    // Expressions run in the page, where the DOM is (this project's TypeScript has no DOM types).
    const widths = (await page.evaluate(
      '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })',
    )) as { scroll: number; inner: number };
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
    // Scrolled to the middle of the long summary, the buttons are still in reach.
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight / 2)');
    const midway = await approve.boundingBox();
    expect(midway && midway.y >= 0 && midway.y + midway.height <= 844).toBe(true);
    await page.close();
  });

  it('on a desktop, approving looks primary and rejecting dangerous', async () => {
    const page = await open(1280, 900);
    const colour = async (value: string) =>
      (await page.evaluate(
        `(() => { const style = getComputedStyle(document.querySelector('button[name="outcome"][value="${value}"]'));
          return { background: style.backgroundColor, text: style.color }; })()`,
      )) as { background: string; text: string };
    expect(await colour('approve')).toEqual({ background: 'rgb(31, 136, 61)', text: 'rgb(255, 255, 255)' });
    expect((await colour('reject')).text).toBe('rgb(207, 34, 46)');
    await page.close();
  });

  it('decides from the bar: the page then says who acts next', async () => {
    const page = await open(390, 844);
    await page.locator('button[name="outcome"][value="approve"]').click();
    await page.waitForLoadState('load');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('决定已记录');
    expect(text).toMatch(/接下来由 钱宇 处理：财务审核/);
    if (screenshots) await page.screenshot({ path: join(screenshots, 'decided-390x844.png') });
    await page.close();
  });
});

if (screenshots) writeFileSync(join(screenshots ?? tmpdir(), '.keep'), '');
