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
    `types a query, runs it and reads the result${missing ? ` — skipped: ${missing}` : ''}`,
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
        await editor.click();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        await page.keyboard.insertText(
          '{ usersByTenantIndex(tenantId: "acme") { edges { node { rowId name } } } }',
        );
        await page.keyboard.press('Control+Enter');
        const result = page.locator('.graphiql-response, section.result-window').first();
        await expect
          .poll(async () => ((await result.textContent()) ?? '').replace(/\s+/g, ' '), {
            timeout: 30_000,
          })
          .toContain('"name": "Bob"');
        const text = ((await result.textContent()) ?? '').replace(/\s+/g, ' ');
        expect(text).toContain('"rowId": "alice"');
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
