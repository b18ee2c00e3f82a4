/**
 * What the emulated "OS" writes on its own: serial console lines and systemd's journal entries about
 * units. Services with `StandardOutput=journal+console` (konlet-startup, cloud-init) appear in both.
 * The console's prefix for service lines is unverified (konlet-spec.md §4.2); it is the one the Compute
 * emulator writes when it runs without a host (test/emulator/bootLines.ts: `Nov 23 10:00:01 vm
 * konlet-startup[694]: …`, CRLF line ends), so readers of serial output see one format either way.
 */
import type { VmIo } from '../vmHost';
import type { InstanceJournal } from './journal';

/** systemd's own messages carry `_PID=1` and `UNIT=`, which `journalctl -u UNIT` matches too. */
const systemdFields = { _PID: '1', _UID: '0', _GID: '0', _COMM: 'systemd', _EXE: '/usr/lib/systemd/systemd', SYSLOG_IDENTIFIER: 'systemd', SYSLOG_FACILITY: '3', _TRANSPORT: 'journal', _SYSTEMD_UNIT: 'init.scope' };

export class GuestSystem {
  /** The VmIo of the current boot; lines written after shutdown go nowhere. */
  io: VmIo | undefined;
  private nextPid = 400;

  constructor(
    readonly journal: InstanceJournal,
    readonly hostname: string,
  ) {}

  /** A process id for an emulated process (konlet-startup, cloud-init): small and increasing, as early in a boot. */
  allocatePid(): number {
    this.nextPid += 7 + Math.floor(Math.random() * 40);
    return this.nextPid;
  }

  resetPids(): void {
    this.nextPid = 400;
  }

  /** `[   12.345678] ` as the kernel prints it. */
  private stamp(): string {
    const usec = this.journal.uptimeUsec();
    const seconds = String(usec / 1_000_000n).padStart(5, ' ');
    return `[${seconds}.${String(usec % 1_000_000n).padStart(6, '0')}] `;
  }

  /** Text for serial port 1; a serial console ends lines with CRLF. */
  serialRaw(text: string): void {
    this.io?.appendSerial(text.replace(/\r?\n/g, '\r\n'));
  }

  /** A kernel line on the console. */
  kernel(message: string): void {
    this.serialRaw(`${this.stamp()}${message}\n`);
  }

  /** A service's line on the console: `Nov 23 10:00:01 vm-1 konlet-startup[694]: message`. */
  console(identifier: string, pid: number, message: string): void {
    this.serialRaw(`${syslogTime(new Date())} ${this.hostname} ${identifier}[${pid}]: ${message}\n`);
  }

  /** A systemd (PID 1) message about a unit, in the journal; with `status`, also the console's `[  OK  ] …` line. */
  systemd(unit: string, message: string, status?: 'OK' | 'FAILED'): void {
    this.journal.write({ ...systemdFields, UNIT: unit, PRIORITY: status === 'FAILED' ? '3' : '6', MESSAGE: message });
    if (status) this.serialRaw(`[${status === 'OK' ? '  OK  ' : 'FAILED'}] ${message}\n`);
  }

  /** A line a service wrote to stdout, as journald stores it. */
  serviceLine(unit: string, identifier: string, pid: number, message: string, extra: Record<string, string> = {}): void {
    this.journal.write({
      _PID: String(pid),
      _UID: '0',
      _GID: '0',
      _COMM: identifier,
      _TRANSPORT: 'stdout',
      _SYSTEMD_UNIT: unit,
      _SYSTEMD_SLICE: 'system.slice',
      _SYSTEMD_CGROUP: `/system.slice/${unit}`,
      SYSLOG_IDENTIFIER: identifier,
      SYSLOG_FACILITY: '3',
      PRIORITY: '6',
      ...extra,
      MESSAGE: message,
    });
  }

  /** The first lines of a COS boot on serial port 1, and the matching kernel/systemd entries in the journal. */
  boot(): void {
    this.resetPids();
    this.serialRaw('SeaBIOS (version 1.8.2-google)\nBooting from Hard Disk 0...\n');
    const kernelLines = [
      'Linux version 6.6.68+ (builder@localhost) #1 SMP PREEMPT_DYNAMIC (Container-Optimized OS, emulated by cosvm)',
      'Command line: BOOT_IMAGE=/syslinux/vmlinuz.A init=/usr/lib/systemd/systemd boot=local rootwait ro noresume loglevel=7 console=tty1 console=ttyS0',
      'Hypervisor detected: KVM',
    ];
    for (const line of kernelLines) {
      this.kernel(line);
      this.journal.write({ _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', SYSLOG_FACILITY: '0', PRIORITY: '5', MESSAGE: line });
    }
    this.kernel('systemd[1]: systemd 255 running in system mode');
    this.kernel(`systemd[1]: Hostname set to <${this.hostname}>.`);
    this.systemd('google-guest-agent.service', 'Started google-guest-agent.service - Google Compute Engine Guest Agent.', 'OK');
    this.systemd('docker.service', 'Started docker.service - Docker Application Container Engine.', 'OK');
    this.systemd('sshd.service', 'Started sshd.service - OpenSSH server daemon.', 'OK');
    this.serviceLine('google-guest-agent.service', 'google_guest_agent', 300, 'GCE Agent Started (version 20241018.01)');
    this.console('google_guest_agent', 300, 'GCE Agent Started (version 20241018.01)');
  }

  /** The getty prompt that ends a boot on the console. */
  loginPrompt(): void {
    this.serialRaw(`\n${this.hostname} login: \n`);
  }

  /** The last lines before power-off. */
  shutdown(): void {
    this.systemd('sshd.service', 'Stopped sshd.service - OpenSSH server daemon.', 'OK');
    this.kernel('reboot: Power down');
  }
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Nov 23 10:00:01`, UTC like a GCE VM. */
function syslogTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${months[date.getUTCMonth()] ?? 'Jan'} ${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}
