/**
 * Hands out one 127.0.0.0/8 address per instance as its `natIP`: any loopback address works on Linux, so
 * each emulated VM's sshd can listen on its own address (TESTING.md, "SSH and a real journal").
 */
export class NatIpAllocator {
  private nextValue: number;

  constructor(base = '127.0.10.1') {
    const parts = base.split('.').map(Number);
    if (parts.length !== 4 || parts[0] !== 127 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) {
      throw new Error(`natIP base must be an address in 127.0.0.0/8, not ${base}`);
    }
    const [, b = 0, c = 0, d = 0] = parts;
    this.nextValue = (b << 16) | (c << 8) | d;
  }

  /** The next address, skipping .0 and .255 (network and broadcast look odd in a UI and confuse some tools). */
  next(): string {
    for (;;) {
      const value = this.nextValue++;
      if (value > 0xffffff) throw new Error('the emulator ran out of 127.0.0.0/8 addresses');
      const last = value & 0xff;
      if (last === 0 || last === 255) continue;
      return `127.${(value >> 16) & 0xff}.${(value >> 8) & 0xff}.${last}`;
    }
  }
}

/** Internal (VPC) addresses, 10.128.0.2 upward like a default subnet; never reachable, only shown. */
export class InternalIpAllocator {
  private nextValue = 2;

  next(): string {
    const value = this.nextValue++;
    return `10.${128 + ((value >> 16) & 0x3f)}.${(value >> 8) & 0xff}.${value & 0xff}`;
  }
}
