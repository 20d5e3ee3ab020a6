// loadConfig: every setting parsed once; a bad value stops start-up with a message that names
// the variable, repeats the value and says what is allowed (and never prints a password).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, redact, type Config } from '../src/config.js';

type Env = Record<string, string | undefined>;

function configError(env: Env): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env, false);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${JSON.stringify(env)}`);
  return caught;
}

describe('loadConfig defaults', () => {
  test('an empty environment gives the documented defaults', () => {
    const c: Config = loadConfig({}, false);
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.dataDir, path.resolve('.cronwatch'));
    assert.equal(c.databasePoolMax, 10);
    assert.equal(c.host, undefined);
    assert.equal(c.port, 8080);
    assert.deepEqual(c.trustProxy, []);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.logFormat, 'json');
    assert.deepEqual(c.grace, { percent: 10, minSeconds: 60, maxSeconds: 3600 });
    assert.equal(c.shutdownTimeoutMs, 10_000);
    assert.equal(c.bodyLimitBytes, 102_400);
  });

  test('pretty logs on a terminal, JSON otherwise', () => {
    assert.equal(loadConfig({}, true).logFormat, 'pretty');
    assert.equal(loadConfig({}, false).logFormat, 'json');
    assert.equal(loadConfig({ LOG_FORMAT: 'json' }, true).logFormat, 'json');
    assert.equal(loadConfig({ LOG_FORMAT: 'pretty' }, false).logFormat, 'pretty');
  });

  test('empty or blank values mean the default', () => {
    const c = loadConfig(
      { PORT: '', GRACE_PERCENT: '  ', LOG_LEVEL: '', TRUST_PROXY: ' ', DATABASE_URL: '' },
      false,
    );
    assert.equal(c.port, 8080);
    assert.equal(c.grace.percent, 10);
    assert.equal(c.logLevel, 'info');
    assert.deepEqual(c.trustProxy, []);
    assert.equal(c.databaseUrl, undefined);
  });

  test('the result is frozen', () => {
    const c = loadConfig({}, false);
    assert.ok(Object.isFrozen(c));
    assert.throws(() => {
      (c as { port: number }).port = 1;
    }, TypeError);
  });

  test('only the given environment is read', () => {
    process.env.PORT = '1234';
    try {
      assert.equal(loadConfig({}, false).port, 8080);
    } finally {
      delete process.env.PORT;
    }
  });
});

describe('loadConfig accepts valid values', () => {
  test('numbers, trimmed, at their bounds', () => {
    assert.equal(loadConfig({ PORT: ' 9090 ' }, false).port, 9090);
    assert.equal(loadConfig({ PORT: '0' }, false).port, 0);
    assert.equal(loadConfig({ PORT: '65535' }, false).port, 65535);
    assert.equal(loadConfig({ GRACE_PERCENT: '0' }, false).grace.percent, 0);
    assert.equal(loadConfig({ GRACE_PERCENT: '1000' }, false).grace.percent, 1000);
    assert.equal(loadConfig({ BODY_LIMIT_BYTES: '1024' }, false).bodyLimitBytes, 1024);
    assert.equal(loadConfig({ SHUTDOWN_TIMEOUT_SECONDS: '3' }, false).shutdownTimeoutMs, 3000);
  });

  test('a grace policy whose minimum equals its maximum', () => {
    assert.deepEqual(
      loadConfig({ GRACE_PERCENT: '20', GRACE_MIN_SECONDS: '30', GRACE_MAX_SECONDS: '30' }, false)
        .grace,
      { percent: 20, minSeconds: 30, maxSeconds: 30 },
    );
  });

  test('LOG_LEVEL in any case', () => {
    assert.equal(loadConfig({ LOG_LEVEL: 'DEBUG' }, false).logLevel, 'debug');
    assert.equal(loadConfig({ LOG_LEVEL: ' silent ' }, false).logLevel, 'silent');
  });

  test('TRUST_PROXY: addresses, CIDRs and proxy-addr names, comma-separated', () => {
    assert.deepEqual(
      loadConfig(
        { TRUST_PROXY: '127.0.0.1, 10.0.0.0/8 ,loopback,::1/128,fe80::/10,uniquelocal' },
        false,
      ).trustProxy,
      ['127.0.0.1', '10.0.0.0/8', 'loopback', '::1/128', 'fe80::/10', 'uniquelocal'],
    );
  });

  test('DATABASE_URL: postgres:// and postgresql://', () => {
    for (const url of [
      'postgres://u:p@db:5432/cw',
      'postgresql://db/cw',
      'postgres:///cw?host=/run/pg',
    ]) {
      assert.equal(loadConfig({ DATABASE_URL: ` ${url} ` }, false).databaseUrl, url);
    }
  });

  test('HOST: an address or a host name', () => {
    assert.equal(loadConfig({ HOST: '127.0.0.1' }, false).host, '127.0.0.1');
    assert.equal(loadConfig({ HOST: '::' }, false).host, '::');
    assert.equal(loadConfig({ HOST: 'cron.example.com' }, false).host, 'cron.example.com');
  });
});

describe('loadConfig refuses bad values with a message naming variable, value and rule', () => {
  const cases: [env: Env, variable: string, value: string, allowed: RegExp][] = [
    [{ PORT: 'abc' }, 'PORT', 'abc', /whole number from 0 to 65535/],
    [{ PORT: '70000' }, 'PORT', '70000', /whole number from 0 to 65535/],
    [{ PORT: '-1' }, 'PORT', '-1', /whole number from 0 to 65535/],
    [{ PORT: '80.5' }, 'PORT', '80.5', /whole number from 0 to 65535/],
    [{ PORT: '1e3' }, 'PORT', '1e3', /whole number from 0 to 65535/],
    [{ PORT: '80800' }, 'PORT', '80800', /whole number from 0 to 65535/],
    [{ GRACE_PERCENT: '-1' }, 'GRACE_PERCENT', '-1', /whole number from 0 to 1000/],
    [{ GRACE_PERCENT: 'ten' }, 'GRACE_PERCENT', 'ten', /whole number from 0 to 1000/],
    [{ GRACE_PERCENT: '1001' }, 'GRACE_PERCENT', '1001', /whole number from 0 to 1000/],
    [{ GRACE_MIN_SECONDS: '1.5' }, 'GRACE_MIN_SECONDS', '1.5', /whole number from 0 to 31536000/],
    [{ GRACE_MAX_SECONDS: 'x' }, 'GRACE_MAX_SECONDS', 'x', /whole number from 0 to 31536000/],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL',
      'loud',
      /one of fatal, error, warn, info, debug, trace, silent/,
    ],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT', 'xml', /one of json, pretty/],
    [
      { TRUST_PROXY: 'banana' },
      'TRUST_PROXY',
      'banana',
      /not an IP address, a CIDR, or one of loopback/,
    ],
    [
      { TRUST_PROXY: '127.0.0.1,banana' },
      'TRUST_PROXY',
      '127.0.0.1,banana',
      /"banana" is not an IP/,
    ],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY', '10.0.0.0/33', /"10.0.0.0\/33" is not/],
    [{ TRUST_PROXY: '::1/129' }, 'TRUST_PROXY', '::1/129', /"::1\/129" is not/],
    [{ TRUST_PROXY: '10.0.0.0/8/1' }, 'TRUST_PROXY', '10.0.0.0/8/1', /is not an IP address/],
    [{ TRUST_PROXY: '10.0.0.1/' }, 'TRUST_PROXY', '10.0.0.1/', /is not an IP address/],
    [
      { DATABASE_URL: 'mysql://x' },
      'DATABASE_URL',
      'mysql://x',
      /postgres:\/\/ or postgresql:\/\//,
    ],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', 'not a url', /a URL such as postgres:\/\//],
    [{ BODY_LIMIT_BYTES: '10' }, 'BODY_LIMIT_BYTES', '10', /whole number from 1024 to 10485760/],
    [{ DATABASE_POOL_MAX: '0' }, 'DATABASE_POOL_MAX', '0', /whole number from 1 to 1000/],
    [{ SHUTDOWN_TIMEOUT_SECONDS: 'soon' }, 'SHUTDOWN_TIMEOUT_SECONDS', 'soon', /whole number/],
    [{ HOST: 'bad host!' }, 'HOST', 'bad host!', /an IP address or a host name/],
    [{ GOCRON_CREATE_ACCOUNTS: 'maybe' }, 'GOCRON_CREATE_ACCOUNTS', 'maybe', /true or false/],
  ];
  for (const [env, variable, value, allowed] of cases) {
    test(`${variable}=${value}`, () => {
      const err = configError(env);
      assert.ok(err.message.startsWith(`${variable}=`), err.message);
      assert.ok(err.message.includes(JSON.stringify(value)), err.message);
      assert.match(err.message, allowed);
      assert.doesNotMatch(err.message, /\n/);
    });
  }

  test('GRACE_MIN_SECONDS greater than GRACE_MAX_SECONDS', () => {
    const err = configError({ GRACE_MIN_SECONDS: '100', GRACE_MAX_SECONDS: '50' });
    assert.match(err.message, /^GRACE_MIN_SECONDS="100"/);
    assert.match(err.message, /must not exceed GRACE_MAX_SECONDS \(50\)/);
    // The default maximum is 3600.
    assert.match(
      configError({ GRACE_MIN_SECONDS: '3601' }).message,
      /GRACE_MIN_SECONDS="3601".*GRACE_MAX_SECONDS \(3600\)/,
    );
  });
});

describe('a DATABASE_URL password never appears in an error message', () => {
  const password = 's3cretPW';
  for (const url of [
    `mysql://admin:${password}@db.example.com/app`,
    `http://admin:${password}@db.example.com:5432/app`,
    `postgres://admin:${password}@db.example.com:notaport/app`,
    `postgres://admin:${password}@[::1/app`,
    `postgres://:${password}@db:x/app`,
    `mysql://admin:${password}%40x@db/app`,
    `postgres://admin:pa ${password}@db:x/app`,
  ]) {
    test(url.replace(password, '<password>'), () => {
      const err = configError({ DATABASE_URL: url });
      assert.match(err.message, /^DATABASE_URL=/);
      assert.ok(!err.message.includes(password), err.message);
      assert.ok(!String(err.stack).includes(password));
      assert.ok(err.message.includes('***'), err.message);
    });
  }

  // Generated passwords often hold `/` or `:`; unencoded, the URL does not parse, and the
  // fallback of redact() must still hide the whole password.
  for (const url of [
    `postgres://admin:${password}/x@db.example.com:5432/app`,
    `postgres://admin:${password}:x@db:bad/app`,
  ]) {
    test(url.replace(password, '<password>'), () => {
      const err = configError({ DATABASE_URL: url });
      assert.ok(!err.message.includes(password), err.message);
      assert.match(err.message, /^DATABASE_URL="postgres:\/\/admin:\*\*\*@/);
    });
  }
});

describe('redact', () => {
  test('hides the password of a URL, keeps the rest', () => {
    assert.equal(redact('postgres://u:pw@h:5432/d'), 'postgres://u:***@h:5432/d');
    assert.equal(redact('postgres://u@h/d'), 'postgres://u@h/d');
    assert.equal(redact('postgres://h/d'), 'postgres://h/d');
  });

  test('hides the password of a string that is not a URL', () => {
    assert.equal(redact('postgres://u:pw@h:bad/d'), 'postgres://u:***@h:bad/d');
  });
});

test('GOCRON_CREATE_ACCOUNTS: true by default (as gocron), false when turned off', () => {
  assert.equal(loadConfig({}, false).gocronCreateAccounts, true);
  for (const value of ['false', 'FALSE', ' 0 ', 'no', 'off'])
    assert.equal(loadConfig({ GOCRON_CREATE_ACCOUNTS: value }, false).gocronCreateAccounts, false);
  for (const value of ['true', '1', 'yes', 'on', ''])
    assert.equal(loadConfig({ GOCRON_CREATE_ACCOUNTS: value }, false).gocronCreateAccounts, true);
});

describe('integrations and email check-ins settings (issue 16)', () => {
  test('defaults: shell channels off, 6 messages a minute, no SMTP listener', () => {
    const c = loadConfig({}, false);
    assert.equal(c.shellChannels, undefined);
    assert.equal(c.notifyRateLimit, 6);
    assert.equal(c.pingEmail, undefined);
  });

  test('SHELL_CHANNELS=1 passes PATH, HOME and LANG only; PING_* parsed', () => {
    const c = loadConfig(
      {
        SHELL_CHANNELS: '1',
        PATH: '/bin',
        HOME: '/home/cw',
        DATABASE_URL: 'postgres://u:secret@h/db',
        PING_SMTP_PORT: '2525',
        PING_EMAIL_DOMAIN: 'Ping.Example.com',
        PING_EMAIL_FILTER: 'Subject, body',
        PING_EMAIL_FAILURE_KW: 'FAILED',
      },
      false,
    );
    assert.deepEqual(c.shellChannels, { env: { PATH: '/bin', HOME: '/home/cw' } });
    assert.deepEqual(c.pingEmail, {
      port: 2525,
      domain: 'ping.example.com',
      maxBytes: 1_048_576,
      filter: { subject: true, body: true },
      successKw: '',
      failureKw: 'FAILED',
      startKw: '',
    });
  });

  test('bad values name the variable', () => {
    assert.match(configError({ SHELL_CHANNELS: 'yes' }).message, /^SHELL_CHANNELS=/);
    assert.match(configError({ NOTIFY_RATE_LIMIT: '-1' }).message, /^NOTIFY_RATE_LIMIT=/);
    assert.match(
      configError({ PING_SMTP_PORT: '2525' }).message,
      /^PING_EMAIL_DOMAIN=.*PING_SMTP_PORT is set/,
    );
    assert.match(
      configError({
        PING_SMTP_PORT: '2525',
        PING_EMAIL_DOMAIN: 'p.io',
        PING_EMAIL_FILTER: 'header',
      }).message,
      /^PING_EMAIL_FILTER=.*subject, body or subject,body/,
    );
    assert.match(
      configError({ PING_SMTP_PORT: '99999', PING_EMAIL_DOMAIN: 'p.io' }).message,
      /^PING_SMTP_PORT=/,
    );
  });
});
