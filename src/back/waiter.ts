/** A sleep that another part of the process can cut short (new work, or stop). */
export class Waiter {
  private resolve: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending = false;

  wait(ms: number): Promise<void> {
    // A wake() that came while we were busy must not be lost: return at once.
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.wake(), Math.max(0, ms));
    });
  }

  wake(): void {
    clearTimeout(this.timer);
    const resolve = this.resolve;
    this.resolve = undefined;
    if (resolve) resolve();
    else this.pending = true;
  }
}
