/**
 * The zones an emulated project knows. aggregatedList reports every known zone (with a warning when it
 * has nothing on the page), so the catalogue is a realistic spread rather than every real zone.
 */
export const DEFAULT_ZONES: readonly string[] = [
  'asia-east1-a', 'asia-east1-b', 'asia-northeast1-a', 'asia-northeast1-b', 'asia-south1-a', 'asia-southeast1-a',
  'australia-southeast1-a', 'europe-north1-a', 'europe-west1-b', 'europe-west1-c', 'europe-west1-d',
  'europe-west2-a', 'europe-west3-a', 'europe-west4-a', 'europe-west4-b', 'me-west1-a', 'northamerica-northeast1-a',
  'southamerica-east1-a', 'us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f', 'us-east1-b',
  'us-east1-c', 'us-east1-d', 'us-east4-a', 'us-east4-b', 'us-west1-a', 'us-west1-b', 'us-west2-a',
];

/** Real zones look like `us-central1-a`; tests may invent `zone-00-a`, so only the `-<letter>` suffix is required. */
const ZONE_NAME = /^[a-z][-a-z0-9]{0,60}-[a-z]$/;

export function isZoneName(name: string): boolean {
  return ZONE_NAME.test(name);
}

/** `us-central1-a` → `us-central1`. */
export function regionOf(zone: string): string {
  return zone.slice(0, zone.lastIndexOf('-'));
}

/** The known zones, sorted once, plus any that seeding adds. */
export class ZoneCatalogue {
  private readonly zones = new Set<string>(DEFAULT_ZONES);
  private sorted: string[] | undefined;

  has(zone: string): boolean {
    return this.zones.has(zone);
  }

  add(zone: string): void {
    if (this.zones.has(zone)) return;
    this.zones.add(zone);
    this.sorted = undefined;
  }

  list(): readonly string[] {
    this.sorted ??= [...this.zones].sort();
    return this.sorted;
  }

  regions(): string[] {
    return [...new Set(this.list().map(regionOf))];
  }

  /** `global`, `regions/<r>` and `zones/<z>`: what aggregated lists show with includeAllScopes. */
  allScopes(): string[] {
    return ['global', ...this.regions().map((region) => `regions/${region}`), ...this.list().map((zone) => `zones/${zone}`)];
  }

  hasRegion(region: string): boolean {
    return this.list().some((zone) => regionOf(zone) === region);
  }

  inRegion(region: string): string[] {
    return this.list().filter((zone) => regionOf(zone) === region);
  }
}
