/** The Compute emulator's public surface: start one in-process, or run `main.js` for a separate process. */
export { startEmulator, type Emulator, type EmulatorFaults, type EmulatorOptions, type FaultMatch, type LoggedRequest, type SeedOptions } from './server';
export type { EmulatedInstance, EmulatedMetadata, VmHost, VmIo } from './vmHost';
export { SERIAL_CAPACITY } from './serial';
export { DEFAULT_ZONES } from './zones';
