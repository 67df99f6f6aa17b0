// VS Code's proxy settings reach Threadline's requests: with `http.proxy` set, a reply from a
// server whose host only the proxy can reach still arrives, and the proxy saw the request.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ThreadlineTestApi } from '../../../src/host/testApi';
import { startForwardProxy } from './forwardProxy';
import type { ForwardProxy } from './forwardProxy';
import { chooseBackend } from './answers';
import { pointAtStandIn, readyPanel, standInUrl } from './helpers';

/** Resolves nowhere (RFC 2606 `.test`): only the proxy knows where it is. */
const PROXIED_HOST = 'stand-in.threadline.test';

suite('Proxy settings', () => {
  let api: ThreadlineTestApi;
  let proxy: ForwardProxy;
  let proxyBefore: string | undefined;

  suiteSetup(async () => {
    api = await readyPanel('sk-proxy');
    const standIn = new URL(standInUrl());
    proxy = await startForwardProxy({ host: standIn.hostname, port: Number(standIn.port) });
    proxyBefore = vscode.workspace.getConfiguration('http').inspect<string>('proxy')?.globalValue;
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('http').update('proxy', proxyBefore, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('threadline').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await pointAtStandIn();
    await proxy.close();
  });

  test('with http.proxy set, a reply comes through the proxy', async () => {
    const standIn = new URL(standInUrl());
    const proxiedBase = `http://${PROXIED_HOST}:${standIn.port}/v1`;
    await vscode.workspace.getConfiguration('http').update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('threadline').update('baseUrl', proxiedBase, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('threadline.newThread');
    await chooseBackend(api, 'responses');

    await api.view.receive({ type: 'send', text: 'through the proxy' });

    const reply = (await api.store.messages(api.view.currentThreadId!)).at(-1)!;
    assert.equal(reply.status, 'complete', reply.error);
    assert.ok(
      proxy.seen.some((line) => line === `POST ${proxiedBase}/responses` || line === `CONNECT ${PROXIED_HOST}:${standIn.port}`),
      `the proxy did not see the reply's request; it saw: ${JSON.stringify(proxy.seen)}`,
    );
  });
});
