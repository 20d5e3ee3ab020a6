// The last N bytes of a stream, for the output of a wrapped job (`cronwatch exec`): a job can
// print gigabytes, and only the end is sent with its finishing ping.

export class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Whether bytes were dropped from the front: the first kept byte may be mid-character. */
  private cut = false;

  constructor(private limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.trim();
  }

  /** Keeps at most `limit` bytes from now on (the server says how much it stores). */
  setLimit(limit: number): void {
    this.limit = limit;
    this.trim();
  }

  /**
   * The last bytes, at most `limit`. When the output was cut, the cut never falls inside a
   * UTF-8 character: a split one would reach the server as invalid text.
   */
  bytes(): Buffer {
    const all = Buffer.concat(this.chunks);
    let start = Math.max(0, all.length - this.limit);
    if (start > 0 || this.cut) {
      // At most three continuation bytes (10xxxxxx): beyond that it is not UTF-8 anyway.
      for (let i = 0; i < 3 && start < all.length && (all[start]! & 0xc0) === 0x80; i++) start++;
    }
    return all.subarray(start);
  }

  // Drops whole chunks that lie entirely before the last `limit` bytes, so memory stays near
  // the limit however much is pushed; bytes() cuts inside the first kept chunk. A job that
  // prints a byte at a time would leave a long array to shift: merge it now and then.
  private trim(): void {
    while (this.chunks.length > 0 && this.size - this.chunks[0]!.length >= this.limit) {
      this.size -= this.chunks.shift()!.length;
      this.cut = true;
    }
    if (this.chunks.length > 1024) {
      const all = Buffer.concat(this.chunks);
      const start = Math.max(0, all.length - this.limit);
      this.chunks = [all.subarray(start)];
      this.size = all.length - start;
      this.cut ||= start > 0;
    }
  }
}
