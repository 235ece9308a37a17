import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SECRET_NAMES, MIN_SECRET_LENGTH } from '../../../src/core/secrets/secretMask';

const root = path.join(__dirname, '../../../..');

describe('which variables are secret, as package.json and the README say', () => {
  it('the setting declares the defaults the code uses, and the README names each, the markers and the length', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } };
    assert.deepEqual(pkg.contributes.configuration.properties['savepoint.secretEnvNames']?.default, [...DEFAULT_SECRET_NAMES]);
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    assert.ok(readme.includes('`savepoint.secretEnvNames`'), 'the setting');
    for (const name of DEFAULT_SECRET_NAMES) assert.ok(readme.includes(`\`${name}\``), name);
    assert.ok(readme.includes('`[secret NAME hidden]`'), 'the marker');
    assert.ok(readme.includes(`${MIN_SECRET_LENGTH} characters or more`), 'the length');
    assert.ok(readme.includes('without `ANTHROPIC_API_KEY` and `ANTHROPIC_AUTH_TOKEN`'), 'what commands do not get');
  });
});
