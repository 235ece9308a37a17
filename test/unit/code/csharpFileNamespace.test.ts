import assert from 'node:assert/strict';
import { deltaSuite } from './deltaSuite';

describe('symbol outlines: C# file-scoped namespaces', () => {
  const { outliner, delta } = deltaSuite();
  const block = 'namespace Shop.Orders\n{\n    public class Cart\n    {\n        public int Total() { return 0; }\n    }\n}\n';
  const fileScoped = 'namespace Shop.Orders;\n\npublic class Cart\n{\n    public int Total() { return 0; }\n}\n';

  it('the types after `namespace N;` are in N, as in `namespace N { … }`', () => {
    const symbols = outliner().outline('Cart.cs', fileScoped).symbols.map((s) => `${s.kind} ${s.name}`);
    assert.deepEqual(symbols, ['namespace Shop.Orders', 'class Shop.Orders.Cart', 'method Shop.Orders.Cart.Total']);
  });

  it('turning a namespace block into a file-scoped one renames nothing', () => {
    assert.deepEqual(delta('Cart.cs', block, fileScoped), ['changed namespace `Shop.Orders` in Cart.cs']);
  });
});
