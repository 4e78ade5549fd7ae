import { describe, expect, it } from 'vitest';
import { hostReach, urlPolicyProblem } from './urlPolicy';

describe('hostReach judges the host as WHATWG URL normalises it', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.9.9.9/', 'loopback'],
    ['http://0x7f.1/', 'loopback'], // 127.0.0.1 written in hex
    ['http://2130706433/', 'loopback'], // 127.0.0.1 as one number
    ['http://localhost:9090/', 'loopback'],
    ['http://prom.localhost/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://169.254.169.254/metadata/instance', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.10/', 'private'],
    ['http://100.64.0.1/', 'private'],
    ['http://0.0.0.0/', 'private'],
    ['http://[fd00::1]/', 'private'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['https://172.32.0.1/', 'public'],
    ['https://8.8.8.8/', 'public'],
    ['https://[2001:db8::1]/', 'public'],
    ['https://hooks.slack.com/services/x', 'public'],
    ['https://localhost.example.com/', 'public'],
  ])('%s → %s', (url, reach) => {
    expect(hostReach(new URL(url).hostname)).toBe(reach);
  });
});

describe('urlPolicyProblem', () => {
  const strict = { allowPrivate: false, httpToPublic: true };
  it('refuses a private address unless allowed, without repeating the URL', () => {
    const problem = urlPolicyProblem(new URL('http://user:hunter2@10.0.0.5:9090/'), strict);
    expect(problem).toBe("points to a private address, inside the app's own network; use a public https:// URL, or set REBOOT_ALLOW_PRIVATE_URLS=true if that address is meant");
    expect(urlPolicyProblem(new URL('http://user:hunter2@10.0.0.5:9090/'), { ...strict, allowPrivate: true })).toBeUndefined();
  });
  it('refuses credentials over http to a public host unless allowed', () => {
    expect(urlPolicyProblem(new URL('http://reader:hunter2@prom.example.com/'), strict)).toMatch(/^sends credentials over plain http:\/\//);
    expect(urlPolicyProblem(new URL('https://reader:hunter2@prom.example.com/'), strict)).toBeUndefined();
    expect(urlPolicyProblem(new URL('http://prom.example.com/'), strict)).toBeUndefined();
  });
  it('refuses http to a public host where http is never acceptable (webhooks)', () => {
    expect(urlPolicyProblem(new URL('http://hooks.example.com/x'), { allowPrivate: true, httpToPublic: false })).toBe('uses http:// to a public host (webhook URLs carry secrets); use https://');
  });
});
