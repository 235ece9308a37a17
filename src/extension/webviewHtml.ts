import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The sidebar page: a strict CSP (scripts only with this page's nonce, styles and fonts only from
 * the extension's own files), theme variables for every colour, codicons from the bundled font.
 * The @vscode-elements widgets style themselves with constructable stylesheets (adoptedStyleSheets),
 * which the CSP does not govern; `<vscode-icon>` finds the codicon font through the link's id.
 */
export function sidebarHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const joinPath = vscode.Uri.joinPath;
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(joinPath(extensionUri, 'media', 'sidebar.css'));
  const codicons = webview.asWebviewUri(joinPath(extensionUri, 'dist', 'codicons', 'codicon.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${codicons.toString()}">
<link rel="stylesheet" href="${style.toString()}">
<title>Savepoint sessions</title>
</head>
<body>
<div id="root"><p class="empty">Loading sessions…</p></div>
<div id="announce" role="status" class="visually-hidden"></div>
<footer><button id="logs" class="link"><span class="codicon codicon-output"></span> Show Logs</button></footer>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
