// The demo's command line: what it accepts, and for each mistake a message that names the
// option and the form it accepts.
import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../local/demo/options';

describe('parseDemoArgs', () => {
  it.each([
    [[], { settings: {}, http: false, help: false }],
    [['--scenario', 'x.json', '--report-json', 'r.json', '--report-html=r.html'], { scenario: 'x.json', reportJson: 'r.json', reportHtml: 'r.html' }],
    [['--nodes', '30', '--pools', '2'], { generate: { nodes: 30, pools: 2, zones: 3 } }],
    [['--nodes=12', '--zones', '0'], { generate: { nodes: 12, pools: 3, zones: 0 } }],
    [['--speed', '60'], { speed: 60 }],
    [['--speed', '0.5'], { speed: 0.5 }],
    [['--http'], { http: true, speed: 1 }],
    [['--http', '--speed', '10'], { http: true, speed: 10 }],
    [['--set', 'REBOOT_CONCURRENCY=2', '--set=REBOOT_DRAIN_DELAY=1m', '--set', 'REBOOT_CONCURRENCY=3'], { settings: { REBOOT_CONCURRENCY: '3', REBOOT_DRAIN_DELAY: '1m' } }],
    [['--set', 'REBOOT_NODE_LABEL=a=b'], { settings: { REBOOT_NODE_LABEL: 'a=b' } }],
    [['--help'], { help: true }],
  ])('%j is accepted', (argv, expected) => {
    const parsed = parseDemoArgs(argv);
    expect(parsed).toMatchObject({ ok: true, options: expected });
  });

  it.each([
    [['--bogus'], /unknown option "--bogus"; the options are --scenario, .*--help/],
    [['--nodes', 'ten'], /--nodes: "ten" is not valid; use --nodes N \(a whole number from 1 to 5000\)/],
    [['--nodes', '0'], /--nodes: "0" is not valid/],
    [['--nodes', '2', '--pools', '3'], /--nodes 2 is fewer than --pools 3/],
    [['--pools', '2'], /--pools need --nodes; use --nodes N/],
    [['--zones', '4', '--nodes', '9'], /--zones: "4" is not valid; use --zones Z \(a whole number from 0 to 3\)/],
    [['--scenario', 'a.json', '--nodes', '3'], /--scenario and --nodes exclude each other/],
    [['--speed', 'fast'], /--speed: "fast" is not valid; use --speed X \(a number greater than 0, e.g. 60\)/],
    [['--speed', '0'], /--speed: "0" is not valid/],
    [['--speed'], /--speed needs a value; use --speed X/],
    [['--report-json', '--http'], /--report-json needs a value; use --report-json FILE/],
    [['--set', 'REBOOT_CONCURRENCY'], /--set: "REBOOT_CONCURRENCY" is not valid; use --set NAME=VALUE/],
    [['--set', '=2'], /--set: "=2" is not valid/],
    [['--http=yes'], /--http takes no value; use --http\./],
    [['--scenario', 'a', '--scenario', 'b'], /--scenario is given twice/],
  ])('%j is refused naming the option and its form', (argv, message) => {
    const parsed = parseDemoArgs(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message).toMatch(message);
      expect(parsed.message).toMatch(/--help/);
    }
  });
});
