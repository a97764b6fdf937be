import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when Chromium is installed. */
export const chromiumMissing = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)`;

const shots = join(import.meta.dirname, '..', '..', 'test-results');

/** GraphiQL at `url` in headless Chromium (a fresh profile), once its editor holds the opening query. */
export async function openGraphiQL(url: string, opening: string) {
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
  const page: Page = await browser.newPage();
  await page.goto(url);
  const editor = page
    .locator('.graphiql-query-editor .CodeMirror, .graphiql-query-editor .monaco-editor')
    .first();
  await editor.waitFor({ timeout: 30_000 });
  const result = page.locator('.graphiql-response, section.result-window').first();
  const flat = (s: string | null) => (s ?? '').replace(/\s+/g, ' ');
  const editorText = async () => flat(await editor.textContent());
  await expect.poll(editorText, { timeout: 30_000 }).toContain(opening);
  return {
    page,
    editor,
    editorText,
    /** The result pane's text, white space folded. */
    text: async () => flat(await result.textContent()),
    /** Replaces the editor's text (GraphiQL reads the operation after a debounce: wait before running). */
    async type(query: string) {
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(query);
      await page.waitForTimeout(1000);
    },
    /** Saves a screenshot in test-results/. */
    async screenshot(name: string) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, name) });
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
