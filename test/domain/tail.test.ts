import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tail } from '../../src/domain/tail.js';

const text = (t: Tail) => t.bytes().toString('utf8');

test('keeps everything under the limit, and the last bytes over it', () => {
  const t = new Tail(10);
  t.push(Buffer.from('hello '));
  assert.equal(text(t), 'hello ');
  t.push(Buffer.from('world, '));
  t.push(Buffer.from('again'));
  assert.equal(text(t), 'rld, again');
});

test('a chunk larger than the limit keeps its end', () => {
  const t = new Tail(4);
  t.push(Buffer.from('abcdefgh'));
  assert.equal(text(t), 'efgh');
});

test('setLimit shrinks what is kept', () => {
  const t = new Tail(100);
  t.push(Buffer.from('0123456789'));
  t.setLimit(3);
  assert.equal(text(t), '789');
  t.setLimit(0);
  assert.equal(t.bytes().length, 0);
});

test('a cut never splits a UTF-8 character', () => {
  const t = new Tail(5);
  // "é" is 2 bytes, "€" 3: the last 5 bytes start inside the "€".
  t.push(Buffer.from('aé€€'));
  assert.equal(text(t), '€');
  assert.ok(t.bytes().length <= 5);
});

test('many small chunks: memory stays near the limit and the end is exact', () => {
  const t = new Tail(100);
  let all = '';
  for (let i = 0; i < 5000; i++) {
    const s = `${i % 10}`;
    all += s;
    t.push(Buffer.from(s));
  }
  assert.equal(text(t), all.slice(-100));
});

test('after merging small chunks, a cut still does not split a character', () => {
  const t = new Tail(7);
  for (let i = 0; i < 2000; i++) t.push(Buffer.from('€'));
  const out = t.bytes();
  assert.equal(out.length, 6);
  assert.equal(out.toString('utf8'), '€€');
});
