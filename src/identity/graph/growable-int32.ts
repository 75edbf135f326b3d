/** An append-only Int32Array that doubles when full: 4 bytes per value instead of a JS array's 8+. */
export class GrowableInt32 {
  private buffer: Int32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Int32Array(Math.max(1, initialCapacity));
  }

  push(...values: number[]): void {
    if (this.length + values.length > this.buffer.length) {
      const grown = new Int32Array(Math.max(this.buffer.length * 2, this.length + values.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    for (const value of values) this.buffer[this.length++] = value;
  }

  /** The values, trimmed to length (a view: no copy when the buffer is exactly full). */
  toArray(): Int32Array {
    return this.buffer.subarray(0, this.length);
  }
}
