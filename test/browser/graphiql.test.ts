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

describe('GraphiQL in a real browser', () => {
  it.skipIf(missing !== null)(
    `opens on an example query over the models, runs it, then a typed query${missing ? ` — skipped: ${missing}` : ''}`,
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
        // It opens on an example over the served models, with a comment saying what this is.
        await expect
          .poll(async () => ((await editor.textContent()) ?? '').replace(/\s+/g, ' '), {
            timeout: 30_000,
          })
          .toContain('tablegraph: GraphQL over one DynamoDB table.');
        expect(((await editor.textContent()) ?? '').replace(/\s+/g, ' ')).toContain(
          'query Example',
        );
        // Run as it opens: a list with a relation, answered with real data.
        await editor.click();
        await page.keyboard.press('Control+Enter');
        await expect.poll(text, { timeout: 30_000 }).toContain('"todoItems"');
        expect(await text()).toContain('"name": "Alice"');
        mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: join(shots, 'graphiql-example.png') });

        await editor.click();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        await page.keyboard.insertText(
          'query TenantUsers { usersByTenantIndex(tenantId: "acme") { edges { node { rowId name } } } }',
        );
        // GraphiQL takes the new operation name from the editor after a short debounce.
        await page.waitForTimeout(1000);
        await page.keyboard.press('Control+Enter');
        await expect.poll(text, { timeout: 30_000 }).toContain('"name": "Bob"');
        expect(await text()).toContain('"rowId": "alice"');
        mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: join(shots, 'graphiql.png') });
      } finally {
        await browser.close();
        await app.stop();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
