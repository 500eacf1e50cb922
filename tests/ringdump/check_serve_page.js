// `ringdump serve`'s page in a real browser (headless Chromium, driven over
// the DevTools protocol from node, over a pipe), against ring_holder:
//   node check_serve_page.js RINGDUMP RING_HOLDER CHROMIUM [SCREENSHOT.png]
// Checks, from the rendered DOM: the holder's two pending SQEs and three
// unreaped CQEs appear with their user_data; after the holder publishes a
// new SQE, the page shows it within a second; the page fetched nothing
// but its own server.  Exit 77 (a skip) without io_uring.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const [ringdump, holderPath, chromium, screenshot] = process.argv.slice(2);
const failures = [];
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures.push(what);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The first line of a child's stream that matches `pattern`.
function lineMatching(stream, pattern, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: stream });
    const timer = setTimeout(() => reject(new Error('no ' + what + ' within ' + timeoutMs + ' ms')), timeoutMs);
    lines.on('line', (line) => {
      const m = line.match(pattern);
      if (m) { clearTimeout(timer); lines.removeAllListeners('line'); resolve(m); }
    });
  });
}

// The DevTools protocol over the pipe Chromium opens with
// --remote-debugging-pipe (it reads fd 3, writes fd 4; messages end with a
// NUL): no WebSocket, so any node runs it.  send(method, params, session)
// -> result; on(event, f) for a session's events.
function devtools(browser) {
  let id = 0, pending = Buffer.alloc(0);
  const waiting = new Map(), listeners = {};
  browser.stdio[4].on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    let end;
    while ((end = pending.indexOf(0)) >= 0) {
      const msg = JSON.parse(pending.subarray(0, end).toString('utf8'));
      pending = pending.subarray(end + 1);
      if (msg.id && waiting.has(msg.id)) {
        const { ok, fail } = waiting.get(msg.id);
        waiting.delete(msg.id);
        msg.error ? fail(new Error(msg.error.message)) : ok(msg.result);
      } else if (msg.method && listeners[msg.method]) {
        for (const f of listeners[msg.method]) f(msg.params);
      }
    }
  });
  return {
    send: (method, params = {}, sessionId) => new Promise((ok, fail) => {
      waiting.set(++id, { ok, fail });
      browser.stdio[3].write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    }),
    on: (event, f) => { (listeners[event] = listeners[event] || []).push(f); },
  };
}

async function main() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-serve-page-'));
  const children = [];
  let browserGroup = 0;
  const cleanup = async () => {
    await Promise.all(children.map((c) => new Promise((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r();
      c.once('exit', r);
      c.kill('SIGKILL');
    })));
    // The browser's own children (renderers, zygote) share its group.
    if (browserGroup > 0) try { process.kill(-browserGroup, 'SIGKILL'); } catch (e) { /* none left */ }
    await sleep(100);
    fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    const holder = spawn(holderPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(holder);
    const holderLines = readline.createInterface({ input: holder.stdout });
    const holderSays = () => new Promise((r) => holderLines.once('line', r));
    const ready = await holderSays();
    if (!ready.startsWith('ready ')) { console.log('ring_holder: ' + ready); return 77; }
    const pid = ready.split(' ')[1];

    const server = spawn(ringdump, ['serve', pid, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(server);
    const [, origin] = await lineMatching(server.stdout, /serving (http:\/\/127\.0\.0\.1:\d+)\//, 10000, 'announcement');

    const browser = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu',
      '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
      '--disable-extensions', '--user-data-dir=' + path.join(scratch, 'profile'),
      '--remote-debugging-pipe', 'about:blank'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });
    children.push(browser);
    browserGroup = browser.pid;
    const cdp = devtools(browser);
    let page = null;
    for (let tries = 0; !page && tries < 100; tries++) { // the first tab may take a moment
      page = (await cdp.send('Target.getTargets')).targetInfos.find((t) => t.type === 'page');
      if (!page) await sleep(100);
    }
    if (!page) throw new Error('the browser opened no page');
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: page.targetId, flatten: true });
    const tab = {
      send: (method, params) => cdp.send(method, params, sessionId),
      on: cdp.on,
    };

    const requested = [];
    tab.on('Network.requestWillBeSent', (p) => requested.push(p.request.url));
    await tab.send('Network.enable');
    await tab.send('Runtime.enable');
    await tab.send('Page.navigate', { url: origin + '/' });

    const evaluate = async (expression) =>
      (await tab.send('Runtime.evaluate', { expression, returnByValue: true })).result.value;
    const userData = (cls) => evaluate(`[...document.querySelectorAll('li.${cls}')].map((e) => e.dataset.userData)`);
    // Wait for `expression` to be true; the milliseconds it took, or -1.
    const waitFor = async (expression, limitMs) => {
      const start = Date.now();
      while (Date.now() - start < limitMs) {
        if (await evaluate(expression)) return Date.now() - start;
        await sleep(10);
      }
      return -1;
    };

    const cardSelector = `section.ring[data-pid="${pid}"]`;
    check(await waitFor(`!!document.querySelector('${cardSelector} svg.rings')`, 10000) >= 0,
      'the page draws the holder\'s ring');
    check(JSON.stringify(await userData('pending-sqe')) === JSON.stringify(['0x5e0001', '0x5e0002']),
      'the two pending SQEs are listed: ' + JSON.stringify(await userData('pending-sqe')));
    check(JSON.stringify(await userData('unreaped-cqe')) === JSON.stringify(['0xc0de0001', '0xc0de0002', '0xc0de0003']),
      'the three unreaped CQEs are listed: ' + JSON.stringify(await userData('unreaped-cqe')));
    const sqArc = await evaluate(`(() => { const a = document.querySelector('${cardSelector} path.used');
      return a ? a.dataset.from + '+' + a.dataset.count : null; })()`);
    check(sqArc === '3+2', 'the SQ arc covers slots 3 and 4 (from+count: ' + sqArc + ')');
    const body = await evaluate('document.body.innerText');
    check(/SQ \(8 slots\)/.test(body) && /CQ \(16 slots\)/.test(body), 'both rings drawn with their sizes');

    // A change in the ring, on the page within a second.
    holder.stdin.write('change\n');
    check((await holderSays()) === 'changed', 'the holder published one more SQE');
    const took = await waitFor(`[...document.querySelectorAll('li.pending-sqe')].some((e) => e.dataset.userData === '0x5e0100')`, 3000);
    check(took >= 0 && took <= 1000, 'the new SQE shows on the page within a second (' + took + ' ms)');

    if (screenshot) {
      await tab.send('Emulation.setDeviceMetricsOverride', { width: 1000, height: 560, deviceScaleFactor: 1, mobile: false });
      await sleep(400);
      const shot = await tab.send('Page.captureScreenshot', { format: 'png' });
      fs.writeFileSync(screenshot, Buffer.from(shot.data, 'base64'));
    }
    const foreign = requested.filter((u) => !u.startsWith(origin + '/'));
    check(requested.length > 1 && foreign.length === 0,
      requested.length + ' requests, none elsewhere' + (foreign.length ? ': ' + foreign.join(' ') : ''));
    holder.stdin.end();
  } finally {
    await cleanup();
  }
  console.log(failures.length + ' failed');
  return failures.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error('check_serve_page: ' + e.message); process.exit(1); });
