import { describe, expect, it } from 'vitest';
import {
  formatDuration, parseAksClusters, parseBoolean, parseDays, parseDuration, parseHttpUrl, parseLabelList,
  parseNcrontab, parsePoolList, parseSelector, parseSelectorList, parseTimeOfDay, parseTimeZone, parseWholeNumber,
  splitList, type Parsed,
} from './formats';

const value = <T>(p: Parsed<T>): T => {
  if (!p.ok) throw new Error(`expected a value, got the problem: ${p.problem}`);
  return p.value;
};
const problem = <T>(p: Parsed<T>): string => {
  if (p.ok) throw new Error(`expected a problem, got ${JSON.stringify(p.value)}`);
  return p.problem;
};

describe('splitList', () => {
  it.each([
    ['a, b ,,c', ',', ['a', 'b', 'c']],
    ['', ',', []],
    ['a;b ; ', ';', ['a', 'b']],
  ])('%j split by %j', (text, sep, expected) => {
    expect(splitList(text, sep)).toEqual(expected);
  });
});

describe('parseBoolean', () => {
  it.each([['true', true], ['TRUE', true], [' 1 ', true], ['false', false], ['False', false], ['0', false]])('%j → %s', (text, expected) => {
    expect(value(parseBoolean(text))).toBe(expected);
  });
  it.each(['yes', 'on', '', 'truee'])('%j is not a boolean', (text) => {
    expect(problem(parseBoolean(text))).toBe('is not a boolean; use true or false');
  });
});

describe('parseWholeNumber', () => {
  it('accepts numbers in range', () => expect(value(parseWholeNumber(' 3 ', 1, 100))).toBe(3));
  it.each(['0', '101', '1.5', '-1', 'two', ''])('%j is rejected', (text) => {
    expect(problem(parseWholeNumber(text, 1, 100))).toBe('is not a whole number from 1 to 100; use for example 1');
  });
});

describe('parseDuration (Go time.ParseDuration as kured, plus d)', () => {
  it.each([
    ['0', 0], ['0s', 0], ['90s', 90], ['5m', 300], ['1h30m', 5400], ['1.5h', 5400], ['.5m', 30], ['1.m', 60],
    ['2h45m30s', 9930], ['1500ms', NaN], ['2000ms', 2], ['3000000us', 3], ['90d', 7_776_000], ['1d12h', 129_600], [' 30m ', 1800],
  ])('%j → %s seconds', (text, expected) => {
    if (Number.isNaN(expected)) expect(problem(parseDuration(text))).toMatch(/^is not a whole number of seconds; /);
    else expect(value(parseDuration(text, 0, 3650 * 86_400))).toBe(expected);
  });
  it.each(['5 minutes', '5', '-5m', '5M', 'm', '1h 30m', '', 'P1D', '1y'])('%j is not a duration', (text) => {
    expect(problem(parseDuration(text))).toBe("is not a duration; use kured's form such as 30m, 1h30m or 90s (units h, m, s, ms; d for days)");
  });
  it('checks the range and names it in kured form', () => {
    expect(problem(parseDuration('30s', 60, 86_400))).toBe("is out of range; use a duration from 1m to 1d, in kured's form such as 30m or 1h30m");
    expect(problem(parseDuration('99999999999999h', 0, 86_400))).toMatch(/^is out of range/);
  });
  it.each([[0, '0s'], [59, '59s'], [5400, '1h30m'], [86_400, '1d'], [7_776_000, '90d'], [90_061, '1d1h1m1s']])('formatDuration(%s) = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
    expect(value(parseDuration(text, 0, 366 * 86_400))).toBe(seconds);
  });
});

describe('parseDays (kured days_test cases and ours)', () => {
  it.each([
    ['0,4', [0, 4]],
    ['su,mo,tu', [0, 1, 2]],
    ['sunday,tu,thu', [0, 2, 4]],
    ['THURSDAY', [4]],
    ['we,WED,WeDnEsDaY', [3]],
    ['0-6', [0, 1, 2, 3, 4, 5, 6]],
    ['mo-fr', [1, 2, 3, 4, 5]],
    ['fr-mo', [0, 1, 5, 6]],
    ['sat, sun', [0, 6]],
  ])('%j → %j', (text, expected) => {
    expect(value(parseDays(text))).toEqual(expected);
  });
  it.each([['15', '"15"'], ['-8', '"-8"'], ['8', '"8"'], ['mon,tue,wed,fridayyy', '"fridayyy"'], ['mo-', '"mo-"'], ['mo-tu-we', '"mo-tu-we"']])('%j has an unknown day %s', (text, day) => {
    expect(problem(parseDays(text))).toBe(`has an unknown day ${day}; use days such as su,mo,tu,we,th,fr,sa (or sun/sunday…, or 0-6 with 0 = Sunday; ranges such as mo-fr), separated by commas`);
  });
  it.each(['', ',,,'])('%j lists no day', (text) => {
    expect(problem(parseDays(text))).toMatch(/^lists no day; use days such as/);
  });
});

describe('parseTimeOfDay (kured formats 15:04, 15:04:05, 03:04pm, 15, 03pm, 3pm)', () => {
  it.each([
    ['15:04', '15:04:00'], ['9:01', '09:01:00'], ['0:00', '00:00:00'], ['23:59:59', '23:59:59'], ['15', '15:00:00'],
    ['03:04pm', '15:04:00'], ['11:30am', '11:30:00'], ['00:01am', '00:01:00'], ['12am', '00:00:00'], ['12pm', '12:00:00'],
    ['3pm', '15:00:00'], ['03pm', '15:00:00'], ['9am', '09:00:00'], ['11:59PM', '23:59:00'], ['3 pm', '15:00:00'],
  ])('%j → %s', (text, expected) => {
    expect(value(parseTimeOfDay(text))).toBe(expected);
  });
  it.each(['24:00', '12:60', '12:00:60', '13pm', 'noon', '9.30', '1:2', '', '123'])('%j is rejected', (text) => {
    expect(problem(parseTimeOfDay(text))).toBe('is not a time of day; use a time of day as kured takes it, such as 15:04, 23:59:59, 3pm or 03:04pm');
  });
});

describe('parseTimeZone', () => {
  it.each([['UTC', 'UTC'], ['Europe/Paris', 'Europe/Paris'], ['America/Los_Angeles', 'America/Los_Angeles'], ['Etc/GMT+5', 'Etc/GMT+5']])('%j → %s', (text, expected) => {
    expect(value(parseTimeZone(text))).toBe(expected);
  });
  it.each([['Mars/Olympus', 'is not a time zone known to the IANA database'], ['+02:00', 'is not a time zone'], ['Local', 'is not a time zone known to the IANA database'], ['Europe/../etc', 'is not a time zone']])('%j: %s', (text, start) => {
    expect(problem(parseTimeZone(text))).toBe(`${start}; use an IANA time zone name such as UTC, Europe/Paris or America/Los_Angeles`);
  });
});

describe('parseNcrontab', () => {
  it.each([
    ['0 */15 * * * *', '0 */15 * * * *'],
    ['0  0 2 * * Sat', '0 0 2 * * Sat'],
    ['0 30 9 * Jan-Mar mon-fri', '0 30 9 * Jan-Mar mon-fri'],
    ['5 0-30/5 1-5 1,15 */2 0', '5 0-30/5 1-5 1,15 */2 0'],
    ['0 0 3 29 feb *', '0 0 3 29 feb *'],
    ['0 0 3 31 1-3 *', '0 0 3 31 1-3 *'],
    ['0 5/10 * * * *', '0 5/10 * * * *'],
  ])('%j is accepted', (text, normalised) => {
    expect(value(parseNcrontab(text))).toBe(normalised);
  });
  it.each([
    ['*/15 * * * *', 'has 5 fields'],
    ['0 60 * * * *', 'has a bad minute field "60" (0-59)'],
    ['0 0 24 * * *', 'has a bad hour field "24" (0-23)'],
    ['0 0 0 0 * *', 'has a bad day field "0" (1-31)'],
    ['0 0 0 * 13 *', 'has a bad month field "13" (1-12)'],
    ['0 0 0 * * 7', 'has a bad day-of-week field "7" (0-6)'],
    ['0 0 5-1 * * *', 'has a bad hour field "5-1" (0-23)'],
    ['0 */0 * * * *', 'has a bad minute field "*/0" (0-59)'],
    ['x * * * * *', 'has a bad second field "x" (0-59)'],
    ['* */15 * * * *', 'fires 60 times a minute (second field "*"); fire at most once a minute, with one second value such as 0'],
    ['0,30 * * * * *', 'fires 2 times a minute (second field "0,30"); fire at most once a minute, with one second value such as 0'],
    ['0 0 0 31 2 *', 'never fires: no month of "2" has a day of "31"'],
    ['0 0 0 30-31 feb *', 'never fires: no month of "feb" has a day of "30-31"'],
    ['0 0 0 31 apr,jun,sep,nov *', 'never fires: no month of "apr,jun,sep,nov" has a day of "31"'],
  ])('%j: %s', (text, start) => {
    expect(problem(parseNcrontab(text))).toBe(`${start}; use a 6-field NCRONTAB expression "{second} {minute} {hour} {day} {month} {day-of-week}", e.g. 0 */15 * * * *`);
  });
});

describe('label selectors (checked by core/labelSelector)', () => {
  it.each(['', 'app=web', 'a=b,c!=d,e in (x,y),!f', 'example.com/role==db, tier notin (cache)'])('selector %j is accepted as written', (text) => {
    expect(value(parseSelector(text))).toBe(text);
  });
  it('names the fault in a bad selector', () => {
    expect(problem(parseSelector('app=web,Bad Key'))).toMatch(/^is not a label selector: found 'Key' at position \d+, expected/);
  });
  it('splits selector lists on ";" (OR), keeping commas (AND) inside one', () => {
    expect(value(parseSelectorList('app=a,tier=db; team=x ;'))).toEqual(['app=a,tier=db', 'team=x']);
    expect(value(parseSelectorList(''))).toEqual([]);
  });
  it('names the bad selector of a list and its number', () => {
    expect(problem(parseSelectorList('app=a;app in (x'))).toMatch(/^has a bad selector "app in \(x" \(number 2 of 2, separated by ";"\): found end of string/);
  });
});

describe('parseLabelList', () => {
  it.each([
    ['', {}],
    ['a=b', { a: 'b' }],
    ['example.com/rebooting=true, team=ops', { 'example.com/rebooting': 'true', team: 'ops' }],
    ['empty=', { empty: '' }],
  ])('%j → %j', (text, expected) => {
    expect(value(parseLabelList(text))).toEqual(expected);
  });
  it.each([
    ['novalue', 'has "novalue" without "="'],
    ['Bad Key=x', 'has a bad label key "Bad Key" (an optional DNS prefix and "/", then up to 63 letters, digits, "-", "_" or ".", e.g. example.com/reboot)'],
    ['k=bad value', 'has a bad value for k (up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)'],
    ['k=a,k=b', 'sets k twice'],
  ])('%j: %s', (text, start) => {
    expect(problem(parseLabelList(text))).toBe(`${start}; use key=value pairs separated by commas, such as example.com/rebooting=true,team=ops`);
  });
});

describe('parsePoolList', () => {
  it('accepts AKS pool names, dropping repeats', () => {
    expect(value(parsePoolList('nodepool1, user,user'))).toEqual(['nodepool1', 'user']);
  });
  it.each(['1pool', 'Pool', 'averyveryverylongpool', 'a-b'])('%j is not a pool name', (bad) => {
    expect(problem(parsePoolList(`ok,${bad}`))).toBe(`has a bad node pool name "${bad}"; use AKS node pool names (a lower-case letter, then up to 11 lower-case letters or digits) separated by commas, such as nodepool1,user`);
  });
});

describe('parseAksClusters', () => {
  const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
  const id = (rg: string, name: string, sub = SUB) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
  const FORM = 'use alias=/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>, separated by commas (alias: lower-case letters, digits and "-")';

  it('parses several clusters, normalising the fixed segments as ARM compares them', () => {
    const text = `prod=${id('rg-prod', 'aks-prod')},\n  test=/SUBSCRIPTIONS/${SUB.toUpperCase()}/resourcegroups/RG.Test(1)/PROVIDERS/microsoft.containerservice/MANAGEDCLUSTERS/aks_test`;
    expect(value(parseAksClusters(text))).toEqual([
      { alias: 'prod', resourceId: id('rg-prod', 'aks-prod'), subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod' },
      { alias: 'test', resourceId: id('RG.Test(1)', 'aks_test'), subscriptionId: SUB, resourceGroup: 'RG.Test(1)', name: 'aks_test' },
    ]);
  });
  it('accepts an empty list (no clusters configured)', () => {
    expect(value(parseAksClusters(''))).toEqual([]);
  });
  it.each([
    [id('rg', 'aks'), `has an entry "${id('rg', 'aks').slice(0, 80)}…" without a valid alias; ${FORM}`],
    [`Prod=${id('rg', 'aks')}`, `has an entry "Prod=${id('rg', 'aks').slice(0, 75)}…" without a valid alias; ${FORM}`],
    [`prod=${id('rg', 'aks', 'not-a-guid')}`, `has a malformed AKS resource id for prod; ${FORM}`],
    [`prod=${id('rg', 'aks').replace('managedClusters', 'agentPools')}`, `has a malformed AKS resource id for prod; ${FORM}`],
    [`prod=${id('rg.', 'aks')}`, `has a malformed AKS resource id for prod; ${FORM}`],
    [`prod=${id('rg', '-aks')}`, `has a malformed AKS resource id for prod; ${FORM}`],
    [`prod=${id('rg', 'aks')}/`, `has a malformed AKS resource id for prod; ${FORM}`],
    [`prod=${id('rg', 'a')},prod=${id('rg', 'b')}`, 'uses the alias prod twice; give each cluster its own alias'],
    [`a=${id('rg', 'x')},b=${id('RG', 'X')}`, 'names the same cluster twice (a and b); configure each cluster once'],
  ])('%j is rejected', (text, expected) => {
    expect(problem(parseAksClusters(text))).toBe(expected);
  });
});

describe('parseHttpUrl', () => {
  it.each(['https://prometheus.example.com:9090', 'http://user:pass@10.0.0.1/prom'])('%j is accepted', (url) => {
    expect(value(parseHttpUrl(url))).toBe(url);
  });
  it.each([
    ['not a url', 'the value is not a URL; use an http:// or https:// URL'],
    ['ftp://example.com', 'the value is not an http:// or https:// URL'],
  ])('%j: %s (without repeating the URL)', (url, expected) => {
    expect(problem(parseHttpUrl(url))).toBe(expected);
  });
});
