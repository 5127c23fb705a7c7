/** Edge reduction of device data: IP truncation, privacy signals, user-agent families. */
import { optedOutByHeaders, parseUserAgent, truncateIp } from './edge.js';

describe('truncateIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
    ['2001:db8:abcd:12:1:2:3:4', '2001:db8:abcd::/48'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['not an ip', null],
    ['', null],
    [undefined, null],
  ])('%s → %s', (input, expected) => {
    expect(truncateIp(input)).toBe(expected);
  });
});

describe('optedOutByHeaders', () => {
  it('sees DNT: 1 and Sec-GPC: 1, nothing else', () => {
    expect(optedOutByHeaders({ dnt: '1' })).toBe(true);
    expect(optedOutByHeaders({ 'sec-gpc': '1' })).toBe(true);
    expect(optedOutByHeaders({ dnt: '0' })).toBe(false);
    expect(optedOutByHeaders({})).toBe(false);
  });
});

describe('parseUserAgent', () => {
  it('keeps the browser family and OS name only', () => {
    expect(
      parseUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
      ),
    ).toEqual({ browser: 'Firefox', os: 'Windows' });
    expect(parseUserAgent(undefined)).toEqual({ browser: null, os: null });
  });
});
