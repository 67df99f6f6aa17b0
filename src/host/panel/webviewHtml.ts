import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The folders a Threadline webview may load from: the panel's bundle (dist/webview, not the host's
 * bundle beside it) and its stylesheets and font (media/webview), plus `extra` (the cache of
 * images downloaded by file id, see imageCache.ts).
 */
export function webviewResourceRoots(extensionUri: vscode.Uri, extra: readonly vscode.Uri[] = []): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media', 'webview'), ...extra];
}

export function webviewOptions(extensionUri: vscode.Uri, extraRoots: readonly vscode.Uri[] = []): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: webviewResourceRoots(extensionUri, extraRoots) };
}

/**
 * The panel's HTML. Strict CSP: nothing by default; scripts only with this page's nonce; styles
 * from our own files plus the nonce (the toolkit's FAST runtime inserts a nonce'd <style> for its
 * focus probe and reads the nonce from the csp-nonce meta); images only from the webview origin
 * (the extension's files and the image cache, as asWebviewUri names them) and data: URLs. No
 * inline script, no inline style attributes in our markup.
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta property="csp-nonce" content="${nonce}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${asset('media', 'webview', 'panel.css')}">
  <title>Threadline</title>
</head>
<body>
  <div id="app" class="app"></div>
  <script nonce="${nonce}" src="${asset('dist', 'webview', 'webview.js')}"></script>
</body>
</html>`;
}
