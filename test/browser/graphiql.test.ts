import { describe, expect, it } from 'vitest';
import { chromiumMissing, openGraphiQL } from '../helpers/browser.js';
import { startMain } from '../helpers/process.js';

describe('GraphiQL in a real browser', () => {
  it.skipIf(chromiumMissing !== null)(
    `opens on an example query over the models, runs it, then a typed query${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
    async () => {
      const app = await startMain({ TABLEGRAPH_MEMORY: '1' });
      // It opens on an example over the served models, with a comment saying what this is.
      const ui = await openGraphiQL(app.url, 'tablegraph: GraphQL over one DynamoDB table.');
      try {
        expect(await ui.editorText()).toContain('query Example');
        // Run as it opens: a list with a relation, answered with real data.
        await ui.editor.click();
        await ui.page.keyboard.press('Control+Enter');
        await expect.poll(ui.text, { timeout: 30_000 }).toContain('"todoItems"');
        expect(await ui.text()).toContain('"name": "Alice"');
        await ui.screenshot('graphiql-example.png');

        await ui.type(
          'query TenantUsers { usersByTenantIndex(tenantId: "acme") { edges { node { rowId name } } } }',
        );
        await ui.page.keyboard.press('Control+Enter');
        await expect.poll(ui.text, { timeout: 30_000 }).toContain('"name": "Bob"');
        expect(await ui.text()).toContain('"rowId": "alice"');
        await ui.screenshot('graphiql.png');
      } finally {
        await ui.close();
        await app.stop();
      }
    },
    120_000,
  );
});
