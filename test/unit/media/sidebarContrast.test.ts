import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * In the high-contrast themes a row of the session list under the pointer or the focus looked like
 * every other row: hover was a background those themes leave transparent, and nothing drew the
 * outline VS Code's own lists draw there. Every interactive state of the sidebar now sets an
 * outline from the contrast colours (they exist only in the high-contrast themes; elsewhere the
 * fallback keeps the look as it was, or the focus border every theme has).
 */
describe('the sidebar stylesheet in high-contrast themes', () => {
  const css = readFileSync(join(__dirname, '..', '..', '..', '..', 'media', 'sidebar.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const rules = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].map((m) => ({ selectors: m[1]!.split(',').map((s) => s.trim().replace(/\s+/g, ' ')), body: m[2]! }));
  /** The declarations of `property` in the rules one of whose selectors is `selector` exactly. */
  const declared = (selector: string, property: string): string[] =>
    rules.filter((r) => r.selectors.includes(selector)).flatMap((r) => [...r.body.matchAll(new RegExp(`(?:^|;)\\s*${property}\\s*:([^;]+)`, 'g'))].map((m) => m[1]!.trim()));

  const hovered = ['li.session:hover', '.group-header:hover', 'button.link:hover', 'vscode-icon[action-icon]:hover', 'li.session .fork a:hover'];
  const focused = ['li.session:focus-within', 'li.session button.open:focus-visible', '.group-header:focus-visible', 'button.link:focus-visible', 'li.session .fork a:focus-visible'];

  for (const selector of hovered)
    it(`${selector} is outlined with the theme's contrast border (dashed, as VS Code's lists)`, () => {
      const outline = declared(selector, 'outline');
      assert.ok(outline.some((v) => /dashed/.test(v) && /var\(--vscode-(contrastActiveBorder|toolbar-hoverOutline)\b/.test(v)), `${selector}: outline ${JSON.stringify(outline)}`);
    });

  for (const selector of focused)
    it(`${selector} is outlined with the focus border`, () => {
      const outline = declared(selector, 'outline');
      assert.ok(outline.some((v) => /solid/.test(v) && /var\(--vscode-(focusBorder|list-focusOutline)\b/.test(v)), `${selector}: outline ${JSON.stringify(outline)}`);
    });

  it('a refused action is dimmed, its glyph only (its focus frame stays clear; its name says why, not the colour alone)', () => {
    assert.deepEqual(declared('vscode-icon.refused', 'opacity'), [], 'opacity would dim the focus frame too');
    assert.ok(declared('vscode-icon.refused', 'color').some((v) => /color-mix\(.*var\(--vscode-icon-foreground\).*transparent\)/.test(v)), JSON.stringify(declared('vscode-icon.refused', 'color')));
  });

  it('no colour is written in the stylesheet outside a fallback: every colour is the theme\'s', () => {
    // Innermost `var(…)` first (with what its fallback holds), until none is left.
    let bare = css;
    for (let was = ''; was !== bare; ) [was, bare] = [bare, bare.replace(/var\([^()]*(?:\([^()]*\)[^()]*)*\)/g, '')];
    assert.deepEqual(bare.match(/#[0-9a-f]{3,8}\b|rgba?\([^)]*\)|(?<![\w-])(white|black)(?![\w-])/gi), null);
  });
});
