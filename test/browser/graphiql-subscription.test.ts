import { describe, expect, it } from 'vitest';
import { chromiumMissing, openGraphiQL } from '../helpers/browser.js';
import { startMain } from '../helpers/process.js';

async function post(url: string, query: string, token: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { errors?: unknown[] };
}

describe('GraphiQL in a real browser: a live subscription', () => {
  it.skipIf(chromiumMissing !== null)(
    `shows an event pushed by a mutation made elsewhere${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
    async () => {
      const app = await startMain({ TABLEGRAPH_MEMORY: '1' });
      const ui = await openGraphiQL(app.url, 'query Example');
      try {
        await ui.type(
          'subscription Live { todoItemChanged(userId: "alice") { kind item { todoId title user { name } } } }',
        );
        await ui.page.keyboard.press('Control+Enter');
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
            .poll(ui.text, { timeout: 1000 })
            .toContain('"title": "Pushed to the browser"')
            .then(
              () => true,
              () => false,
            );
        }
        expect(shown).toBe(true);
        const t = await ui.text();
        expect(t).toContain('"kind": "CREATED"');
        expect(t).toContain('"name": "Alice"');
        await ui.screenshot('graphiql-subscription.png');
      } finally {
        await ui.close();
        await app.stop();
      }
    },
    120_000,
  );
});
