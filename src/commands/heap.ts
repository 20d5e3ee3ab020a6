// The front's heap under a flood of check-ins (issue 14: front RSS ≤ 150 MB). Its live heap
// is ~20 MB, but V8 grows the old generation by up to 4x between full collections on a small
// heap, and promoted request garbage filled it to ~80 MB before one ran: RSS 175 MB under
// bench-ping's load. A growing factor of 2 collects at ~40 MB: RSS ~137 MB, with pings/s
// and CPU per ping within the run-to-run noise (BENCHMARKS.md); 1.5 gave 128 MB but p99s
// a few ms higher (more full collections). V8 reads this flag at each
// collection, so setting it at run time works (the semi-space sizes, read once, would not).
import v8 from 'node:v8';

export function keepHeapSmall(): void {
  v8.setFlagsFromString('--heap-growing-percent=100');
}
