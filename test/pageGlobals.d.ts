// What the browser-side scripts of the page harness and the benchmarks put on `window`
// (test/bench/webviewPage.mjs, test/ui/*.ui.mjs, test/bench/workbenchSteps.mjs), for checkJs.
// Test helpers: loosely typed on purpose, they are set and read only by those scripts.
interface Window {
  __host: any;
  __bench: any;
  __checkAnchor: any;
  __firstVisible: any;
  __frames: any;
  __fromEnd: any;
  __sampleWhile: any;
  __seen: any;
  acquireVsCodeApi: () => any;
}
