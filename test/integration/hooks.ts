/** Starts the real services once for the integration tier and stops them, by PID, at the end. */
import { ProcessGroup } from '../support/processes';
import { startDocker, startRegistry, startSshd, type DockerService, type RegistryService, type SshdService } from '../support/services';

export interface IntegrationServices {
  group: ProcessGroup;
  docker: DockerService;
  registry: RegistryService;
  sshd: SshdService;
}

let current: IntegrationServices | undefined;

/** The running services; only valid inside tests of this tier. */
export function services(): IntegrationServices {
  if (!current) throw new Error('integration services are not running');
  return current;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    const group = new ProcessGroup();
    try {
      const [docker, registry, sshd] = await Promise.all([startDocker(group), startRegistry(group), startSshd(group)]);
      current = { group, docker, registry, sshd };
    } catch (error) {
      await group.stopAll();
      throw error;
    }
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    if (!current) return;
    await current.group.stopAll();
    await current.group.removeRunDir();
    current = undefined;
  },
};
