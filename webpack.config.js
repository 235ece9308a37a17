// The bundles: the extension host (Node, LevelDB's prebuilt binaries copied beside it so the
// VSIX needs no node_modules) and the sidebar webview (browser).
const path = require('node:path');
const CopyPlugin = require('copy-webpack-plugin');

const tsRule = (configFile) => ({
  test: /\.ts$/,
  exclude: /node_modules/,
  // Type checking is `npm run typecheck`; the build only transpiles.
  use: [{ loader: 'ts-loader', options: { configFile: path.resolve(__dirname, configFile), transpileOnly: true } }],
});

/** @type {(env: unknown, argv: { mode?: string }) => import('webpack').Configuration[]} */
module.exports = (_env, argv) => {
  const production = argv.mode === 'production';
  const common = {
    mode: production ? 'production' : 'development',
    devtool: production ? 'hidden-source-map' : 'source-map',
    resolve: {
      extensions: ['.ts', '.js'],
      // Its "main" is a UMD build whose modules require each other at run time, which a bundle cannot follow.
      alias: { 'jsonc-parser$': path.resolve(__dirname, 'node_modules/jsonc-parser/lib/esm/main.js') },
    },
    infrastructureLogging: { level: 'warn' },
    performance: { hints: false },
  };
  /** A Node script beside the extension bundle in dist/, sharing its prebuilds and grammars. */
  const nodeBundle = (name, entry, filename) => ({
    ...common,
    name,
    target: 'node',
    entry,
    output: { path: path.resolve(__dirname, 'dist'), filename, libraryTarget: 'commonjs2' },
    resolve: { ...common.resolve, mainFields: ['main', 'module'] },
    module: { rules: [tsRule('tsconfig.build.json')] },
    node: { __dirname: false },
  });
  return [
    {
      ...common,
      name: 'extension',
      target: 'node',
      // extension.js is the entry VS Code loads: it compiles extension-main.js (the extension) through the code cache (src/core/node/codeCache.ts).
      entry: { extension: './src/extension/boot.ts', 'extension-main': './src/extension/extension.ts' },
      output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', libraryTarget: 'commonjs2', clean: { keep: /webview|codicons|cli(-main)?\.js|repairWorker\.js|bench-/ } },
      externals: { vscode: 'commonjs vscode' },
      resolve: { ...common.resolve, mainFields: ['main', 'module'] },
      module: { rules: [tsRule('tsconfig.build.json')] },
      // node-gyp-build(__dirname) must see the real dist/ directory to find the prebuilds.
      node: { __dirname: false },
      plugins: [
        new CopyPlugin({
          patterns: [
            { from: 'node_modules/classic-level/prebuilds', to: 'prebuilds' },
            // tree-sitter's runtime next to the bundle, and the grammars of the languages whose symbols are tracked
            // (C# and C++ are left out of the VSIX for size: 10 MB; their files are recorded by hash and diff only).
            { from: 'node_modules/web-tree-sitter/web-tree-sitter.wasm', to: '.' },
            ...['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'php', 'ruby'].map((l) => ({
              from: `node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-${l}.wasm`,
              to: 'grammars/',
            })),
          ],
        }),
      ],
    },
    // The headless CLI as one file: loads in a fraction of the time of hundreds of modules, and
    // shares dist/prebuilds and dist/grammars with the extension bundle.
    // cli.js compiles cli-main.js (the CLI) through the code cache, as the extension's entry does.
    nodeBundle('cli', { cli: './src/cli/boot.ts', 'cli-main': './src/cli/savepoint.ts' }, '[name].js'),
    // The checkpoint benchmark's fresh rewind process, bundled and loaded as the CLI is (npm run bench:checkpoints builds it; not in the VSIX).
    ...(_env && _env.bench ? [nodeBundle('bench', { 'bench-rewind': './bench/checkpoints/rewindChild.ts' }, '[name].js')] : []),
    // LevelDB's repair in a process of its own (src/core/store/openStore.ts): its repairer can abort.
    nodeBundle('repairWorker', './src/core/store/repairWorker.ts', 'repairWorker.js'),
    {
      ...common,
      name: 'webview',
      target: 'web',
      entry: './webview-ui/main.ts',
      output: { path: path.resolve(__dirname, 'dist'), filename: 'webview.js' },
      module: { rules: [tsRule('webview-ui/tsconfig.json')] },
      plugins: [
        new CopyPlugin({
          patterns: [
            { from: 'node_modules/@vscode/codicons/dist/codicon.css', to: 'codicons/' },
            { from: 'node_modules/@vscode/codicons/dist/codicon.ttf', to: 'codicons/' },
          ],
        }),
      ],
    },
  ];
};
