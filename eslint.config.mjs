// Lint rules that hold the layering of ../shared/style.md in place:
//   src/shared  <- src/core <- src/extension,   webview-ui -> src/shared only.
// A violation is an error, and `npm run lint` runs with --max-warnings=0.
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/extension may import vscode (use a port in src/core/ports).' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.e2e-tools/**', '.bench/**', '.tmp/**', '*.js', '*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'No barrels: import from the defining module.' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto'], message: 'src/shared is plain data: no Node modules.' },
          { group: ['**/core/**', '**/extension/**', '**/webview-ui/**'], message: 'src/shared imports nothing from other layers.' },
        ],
      }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'bench/**/*.ts', 'test/unit/**/*.ts', 'test/fixtures/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { group: ['**/extension/**', '**/webview-ui/**'], message: 'core, cli, benches and unit tests must not depend on the extension or the webview.' },
        ],
      }],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    ignores: ['src/extension/notify.ts'],
    rules: {
      // Messages carry the model's and the workspace's text: notify.ts shows them without links that run commands.
      'no-restricted-syntax': ['error',
        { selector: 'ExportAllDeclaration', message: 'No barrels: import from the defining module.' },
        { selector: 'MemberExpression[property.name=/^show(Information|Warning|Error)Message$/]', message: 'Use notify.info / notify.warn / notify.error (src/extension/notify.ts): VS Code renders link syntax in a message as links that run commands.' },
      ],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/webview-ui/**'], message: 'The host talks to the webview through src/shared/protocol only.' },
          { group: ['**/cli/**'], message: 'The extension does not depend on the CLI.' },
        ],
      }],
    },
  },
  {
    files: ['webview-ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { group: ['**/core/**', '**/extension/**', '**/cli/**'], message: 'webview-ui may import src/shared only.' },
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto'], message: 'The webview runs in a browser.' },
        ],
      }],
    },
  },
);
