// The pure gocron parser (COMPAT items 1, 4, 5, 7) and the text checks it relies on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GOCRON_PARAMS, parseGocron, type Parsed } from '../../src/domain/gocron.js';
import { MAX_PERIOD_SECONDS } from '../../src/domain/schedule.js';
import { nameError, parseEmails, quote } from '../../src/domain/text.js';

/** Parameters as a GET check-in hands them over: strings from the query string. */
function fromQuery(query: string): Parsed {
  const params = new URLSearchParams(query);
  return parseGocron((name) => params.get(name) ?? undefined);
}

/** Parameters as a POST check-in hands them over: any JSON value. */
function fromObject(values: Record<string, unknown>): Parsed {
  return parseGocron((name) => values[name]);
}

const base = { cronname: 'backup', account: 'acme', email: 'ops@acme.io', frequency: '3600' };

function error(parsed: Parsed): string {
  assert.equal(parsed.ok, false, `expected an error, got ${JSON.stringify(parsed)}`);
  return (parsed as { error: string }).error;
}

describe('parseGocron', () => {
  test('a complete query string is a check-in', () => {
    assert.deepEqual(
      fromQuery('cronname=backup&account=acme&email=ops@acme.io&frequency=3600&site=1'),
      {
        ok: true,
        checkin: {
          cronname: 'backup',
          account: 'acme',
          email: 'ops@acme.io',
          frequency: 3600,
          site: true,
        },
      },
    );
  });

  test('the four parameters are cronname, account, email and frequency', () => {
    assert.deepEqual([...GOCRON_PARAMS], ['cronname', 'account', 'email', 'frequency']);
  });

  test('frequency is a number in the result, from a string or a JSON number', () => {
    for (const frequency of ['60', 60, '0060']) {
      const parsed = fromObject({ ...base, frequency });
      assert.ok(parsed.ok);
      assert.equal(parsed.checkin.frequency, 60);
    }
    for (const frequency of ['1', 1, String(MAX_PERIOD_SECONDS), MAX_PERIOD_SECONDS]) {
      assert.ok(fromObject({ ...base, frequency }).ok, `frequency ${frequency}`);
    }
  });

  test('emails are trimmed and joined with commas', () => {
    const parsed = fromObject({ ...base, email: ' a@b.io ,c@d.io' });
    assert.ok(parsed.ok);
    assert.equal(parsed.checkin.email, 'a@b.io,c@d.io');
  });

  test('names and accounts are kept exactly as sent', () => {
    for (const value of [' lead', 'trail ', "o'hara; DROP TABLE x; --", 'café ✓ 😀', '%41', '+']) {
      const parsed = fromObject({ ...base, cronname: value, account: value });
      assert.ok(parsed.ok, value);
      assert.equal(parsed.checkin.cronname, value);
      assert.equal(parsed.checkin.account, value);
    }
  });

  test('site is true only for "1", 1 and true', () => {
    const cases: [unknown, boolean][] = [
      ['1', true],
      [1, true],
      [true, true],
      ['true', false],
      ['0', false],
      [0, false],
      [false, false],
      ['', false],
      ['yes', false],
      [' 1', false],
      ['01', false],
      [2, false],
      [null, false],
      [undefined, false],
      [{}, false],
      [[1], false],
    ];
    for (const [site, expected] of cases) {
      const parsed = fromObject({ ...base, site });
      assert.ok(parsed.ok);
      assert.equal(parsed.checkin.site, expected, `site ${JSON.stringify(site)}`);
    }
  });

  for (const name of GOCRON_PARAMS) {
    test(`${name} missing, empty or null: "missing parameter: ${name}"`, () => {
      const rest: Record<string, unknown> = { ...base };
      delete rest[name];
      assert.equal(error(fromObject(rest)), `missing parameter: ${name}`);
      assert.equal(error(fromObject({ ...base, [name]: '' })), `missing parameter: ${name}`);
      assert.equal(error(fromObject({ ...base, [name]: null })), `missing parameter: ${name}`);
      assert.equal(error(fromObject({ ...base, [name]: undefined })), `missing parameter: ${name}`);
    });
  }

  test('nothing at all names cronname first', () => {
    assert.equal(error(fromQuery('')), 'missing parameter: cronname');
  });

  test('parameter names are case-sensitive', () => {
    assert.equal(
      error(fromQuery('CronName=a&account=b&email=c@d.io&frequency=60')),
      'missing parameter: cronname',
    );
    assert.equal(
      error(fromQuery('cronname=a&account=b&email=c@d.io&Frequency=60')),
      'missing parameter: frequency',
    );
  });

  for (const name of ['cronname', 'account', 'email'] as const) {
    test(`${name} that is not a string: "${name} must be a string"`, () => {
      for (const value of [42, 0, true, false, ['a'], { a: 'b' }]) {
        assert.equal(error(fromObject({ ...base, [name]: value })), `${name} must be a string`);
      }
    });
  }

  test('frequency that is not a whole number of seconds from 1 to one year', () => {
    const allowed = `frequency must be a whole number of seconds from 1 to ${MAX_PERIOD_SECONDS}`;
    const strings = [
      'abc',
      '0',
      '-5',
      '1.5',
      '99999999999',
      '1e3',
      ' 60',
      '60 ',
      ' +60',
      '+ 60',
      '++60',
      '+-60',
      '-+60',
      '+',
      '+0',
      '0x3c',
      '٦٠',
      String(MAX_PERIOD_SECONDS + 1),
      '999999999',
    ];
    for (const frequency of strings) {
      assert.equal(
        error(fromObject({ ...base, frequency })),
        `${allowed} (got ${JSON.stringify(frequency)})`,
      );
    }
    const numbers = [0, -1, -0, 1.5, 0.5, MAX_PERIOD_SECONDS + 1, 1e300, NaN, Infinity, -Infinity];
    for (const frequency of numbers) {
      assert.equal(error(fromObject({ ...base, frequency })), `${allowed} (got ${frequency})`);
    }
    for (const [frequency, type] of [
      [true, 'boolean'],
      [false, 'boolean'],
      [{}, 'object'],
      [[60], 'object'],
    ] as const) {
      assert.equal(error(fromObject({ ...base, frequency })), `${allowed} (got ${type})`);
    }
  });

  test('frequency with a leading + is accepted, as by gocron (Go strconv.Atoi takes a sign)', () => {
    // %2B is a `+`; a bare + in a query string is a space, and " 30" is refused.
    for (const [parsed, label] of [
      [fromQuery('cronname=a&account=b&email=o@a.io&frequency=%2B30'), 'query %2B30'],
      [fromObject({ ...base, frequency: '+30' }), 'JSON "+30"'],
      [fromObject({ ...base, frequency: '+031' }), 'JSON "+031"'],
    ] as const) {
      assert.ok(parsed.ok, `${label}: ${JSON.stringify(parsed)}`);
      assert.equal(parsed.checkin.frequency, label.endsWith('031"') ? 31 : 30, label);
    }
    assert.match(error(fromQuery('cronname=a&account=b&email=o@a.io&frequency=+30')), /got " 30"/);
    assert.ok(fromObject({ ...base, frequency: `+${MAX_PERIOD_SECONDS}` }).ok);
    assert.match(
      error(fromObject({ ...base, frequency: `+${MAX_PERIOD_SECONDS + 1}` })),
      /frequency/,
    );
  });

  test('key: a string, passed on when present; absent or empty is no key', () => {
    const withKey = fromQuery('cronname=a&account=b&email=o@a.io&frequency=60&key=k%2By');
    assert.ok(withKey.ok);
    assert.equal(withKey.checkin.key, 'k+y');
    for (const key of [undefined, null, '']) {
      const parsed = fromObject({ ...base, key });
      assert.ok(parsed.ok);
      assert.equal('key' in parsed.checkin, false, `key ${JSON.stringify(key)}`);
    }
    for (const key of [42, true, ['k'], { k: 1 }])
      assert.equal(error(fromObject({ ...base, key })), 'key must be a string');
  });

  test('a long bad frequency is quoted short in the message', () => {
    const message = error(fromObject({ ...base, frequency: '9'.repeat(10_000) }));
    assert.ok(message.length < 200, message);
    assert.match(message, /…"\)$/);
  });

  test('names and accounts go through nameError, emails through parseEmails', () => {
    assert.equal(
      error(fromObject({ ...base, cronname: 'x'.repeat(201) })),
      'cronname must be 1-200 characters long (got 201)',
    );
    assert.equal(
      error(fromObject({ ...base, account: 'a\nb' })),
      'account must not contain control characters',
    );
    assert.equal(
      error(fromObject({ ...base, email: 'nope' })),
      'email has an invalid address: "nope"',
    );
  });

  test('the first bad parameter is reported: presence first, then names, email, frequency', () => {
    assert.equal(
      error(fromObject({ cronname: 'x'.repeat(300), account: 'a' })),
      'missing parameter: email',
    );
    assert.match(
      error(fromObject({ ...base, cronname: '\u0000', account: '\u0000', email: 'bad' })),
      /^cronname /,
    );
    assert.match(error(fromObject({ ...base, email: 'bad', frequency: 'bad' })), /^email /);
  });

  test('never throws, whatever the values', () => {
    const odd: unknown[] = [
      undefined,
      null,
      '',
      ' ',
      0,
      -1,
      1.5,
      NaN,
      true,
      [],
      {},
      '\ud800',
      '\u0000',
      'x'.repeat(100_000),
      Object.create(null),
      { toString: () => 'backup' },
    ];
    for (const cronname of odd) {
      for (const frequency of odd) {
        const parsed = fromObject({ ...base, cronname, frequency });
        assert.equal(typeof parsed.ok, 'boolean');
      }
    }
  });
});

describe('nameError', () => {
  test('1 to 200 characters are accepted', () => {
    for (const value of ['a', 'x'.repeat(200), ' ', 'nightly backup', "o'hara", '名前', '\u00a0']) {
      assert.equal(nameError('cronname', value), undefined, JSON.stringify(value));
    }
  });

  test('empty and 201 characters are refused with the length', () => {
    assert.equal(nameError('cronname', ''), 'cronname must be 1-200 characters long (got 0)');
    assert.equal(
      nameError('cronname', 'x'.repeat(201)),
      'cronname must be 1-200 characters long (got 201)',
    );
    assert.equal(
      nameError('account', 'x'.repeat(1024 * 1024)),
      'account must be 1-200 characters long (got 1048576)',
    );
  });

  test('characters are code points: an emoji counts once', () => {
    assert.equal(nameError('cronname', '😀'.repeat(200)), undefined);
    assert.equal(
      nameError('cronname', '😀'.repeat(201)),
      'cronname must be 1-200 characters long (got 201)',
    );
    assert.equal(
      nameError('cronname', '😀'.repeat(1000)),
      'cronname must be 1-200 characters long (got 1000)',
    );
    // A combining accent is a code point of its own, as PostgreSQL's length() counts it.
    assert.equal(
      nameError('cronname', 'e\u0301'.repeat(101)),
      'cronname must be 1-200 characters long (got 202)',
    );
  });

  test('a custom maximum', () => {
    assert.equal(nameError('slug', 'abc', 3), undefined);
    assert.equal(nameError('slug', 'abcd', 3), 'slug must be 1-3 characters long (got 4)');
  });

  test('control characters are refused', () => {
    const controls = ['\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u001f', '\u007f'];
    controls.push('\u0080', '\u0085', '\u009f', '\u2028', '\u2029');
    for (const c of controls) {
      for (const value of [c, `a${c}`, `${c}a`, `a${c}b`]) {
        assert.equal(
          nameError('account', value),
          'account must not contain control characters',
          JSON.stringify(value),
        );
      }
    }
  });

  test('lone surrogates are refused: they cannot be stored as UTF-8', () => {
    for (const value of ['\ud800', '\udc00', 'a\ud83d', '\ude00b', '\udc00\ud800']) {
      assert.equal(
        nameError('cronname', value),
        'cronname is not valid Unicode text',
        JSON.stringify(value),
      );
    }
    assert.equal(nameError('cronname', '\ud83d\ude00'), undefined);
  });
});

describe('parseEmails', () => {
  test('one address, or several separated by commas, trimmed', () => {
    assert.deepEqual(parseEmails('email', 'ops@acme.io'), { emails: ['ops@acme.io'] });
    assert.deepEqual(parseEmails('email', 'a@b.io,c@d.io'), { emails: ['a@b.io', 'c@d.io'] });
    assert.deepEqual(parseEmails('email', '  a@b.io ,   c@d.io  '), {
      emails: ['a@b.io', 'c@d.io'],
    });
  });

  test('addresses crontabs use are valid', () => {
    for (const email of [
      'root@localhost',
      'first.last@mail.example.co.uk',
      'ops+cron@acme.io',
      "o'hara@example.com",
      'x_y-z@sub-domain.example',
      'A@B.IO',
      '1@2.3',
    ]) {
      assert.deepEqual(parseEmails('email', email), { emails: [email] }, email);
    }
  });

  test('invalid addresses are refused, quoted in the message', () => {
    for (const email of [
      'no-at',
      'a@',
      '@b.io',
      'a b@c.io',
      'a@b c.io',
      'a@@b.io',
      'a@b..io',
      'a@.b.io',
      'a@b.io.',
      'a@-b.io',
      'a@b-.io',
      'a@b_c.io',
      '<a@b.io>',
      'A <a@b.io>',
      'a@b.io;c@d.io',
      'a@b.io c@d.io',
      'é@b.io',
      'a@bücher.de',
      `a@${'b'.repeat(64)}.io`,
    ]) {
      assert.deepEqual(
        parseEmails('email', email),
        { error: `email has an invalid address: ${quote(email)}` },
        email,
      );
    }
  });

  test('an empty entry is refused', () => {
    for (const email of ['a@b.io,,c@d.io', 'a@b.io,', ',a@b.io', ' , ', ',']) {
      assert.deepEqual(parseEmails('email', email), { error: 'email has an empty address' }, email);
    }
  });

  test('control characters are refused, not trimmed away', () => {
    for (const email of [
      'a@b.io\n',
      '\ta@b.io',
      'a@b.io\r\nBcc: x@y.io',
      'a@b.io\u2028',
      'a\u0000@b.io',
    ]) {
      assert.deepEqual(
        parseEmails('email', email),
        { error: 'email must not contain control characters' },
        JSON.stringify(email),
      );
    }
  });

  test('an address of at most 254 characters', () => {
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.io`;
    const longest = `${'a'.repeat(254 - 1 - domain.length)}@${domain}`;
    assert.equal(longest.length, 254);
    assert.deepEqual(parseEmails('email', longest), { emails: [longest] });
    const over = 'a' + longest;
    const result = parseEmails('email', over);
    assert.ok('error' in result);
    assert.match(result.error, /^email has an invalid address: "a{40}…"$/);
  });

  test('at most 50 addresses, and a bounded total length', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@b.io`).join(',');
    assert.equal((parseEmails('email', list(50)) as { emails: string[] }).emails.length, 50);
    assert.deepEqual(parseEmails('email', list(51)), {
      error: 'email lists more than 50 addresses',
    });
    assert.deepEqual(parseEmails('email', 'x'.repeat(12_751)), {
      error: 'email is too long (12751 characters)',
    });
  });

  test('the field name is the one given', () => {
    assert.deepEqual(parseEmails('to', 'x'), { error: 'to has an invalid address: "x"' });
  });
});

describe('quote', () => {
  test('JSON-escapes and cuts at 40 characters', () => {
    assert.equal(quote('abc'), '"abc"');
    assert.equal(quote('a\nb"c'), '"a\\nb\\"c"');
    assert.equal(quote('x'.repeat(40)), `"${'x'.repeat(40)}"`);
    assert.equal(quote('x'.repeat(41)), `"${'x'.repeat(40)}…"`);
  });
});
