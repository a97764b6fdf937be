import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startMain } from '../helpers/process.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)`;
const shots = join(import.meta.dirname, '..', '..', 'test-results');

async function post(url: string, query: string, token: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { errors?: unknown[] };
}

describe('GraphiQL in a real browser: a live subscription', () => {
  it.skipIf(missing !== null)(
    `shows an event pushed by a mutation made elsewhere${missing ? ` — skipped: ${missing}` : ''}`,
    async () => {
      const app = await startMain({ TABLEGRAPH_MEMORY: '1' });
      const profile = mkdtempSync(join(tmpdir(), 'tablegraph-chromium-'));
      const browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1400, height: 900 },
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage();
        await page.goto(app.url);
        const editor = page
          .locator('.graphiql-query-editor .CodeMirror, .graphiql-query-editor .monaco-editor')
          .first();
        await editor.waitFor({ timeout: 30_000 });
        const result = page.locator('.graphiql-response, section.result-window').first();
        const text = async () => ((await result.textContent()) ?? '').replace(/\s+/g, ' ');
        await expect
          .poll(async () => ((await editor.textContent()) ?? '').replace(/\s+/g, ' '), {
            timeout: 30_000,
          })
          .toContain('query Example');
        await editor.click();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        await page.keyboard.insertText(
          'subscription Live { todoItemChanged(userId: "alice") { kind item { todoId title user { name } } } }',
        );
        await page.waitForTimeout(1000); // GraphiQL takes the operation from the editor after a debounce
        await page.keyboard.press('Control+Enter');
        // GraphiQL sends the first development token (Alice's), so her todo items are hers to see.
        // Writes from another client until one shows (the subscription starts some time after the click).
        let shown = false;
        for (let i = 0; i < 60 && !shown; i++) {
          const r = await post(
            app.url,
            `mutation { createTodoItem(input: { userId: "alice", todoId: "browser-${i}", title: "Pushed to the browser" }) { todoId } }`,
            app.tokens().alice!,
          );
          expect(r.errors).toBeUndefined();
          shown = await expect
            .poll(text, { timeout: 1000 })
            .toContain('"title": "Pushed to the browser"')
            .then(
              () => true,
              () => false,
            );
        }
        expect(shown).toBe(true);
        const t = await text();
        expect(t).toContain('"kind": "CREATED"');
        expect(t).toContain('"name": "Alice"');
        mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: join(shots, 'graphiql-subscription.png') });
      } finally {
        await browser.close();
        await app.stop();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
