/** Resource links as Compute writes them: absolute selfLinks under the production host, even here. */
export const API_ROOT = 'https://www.googleapis.com/compute/v1';

export const projectPath = (project: string): string => `projects/${project}`;
export const zonePath = (project: string, zone: string): string => `projects/${project}/zones/${zone}`;
export const regionPath = (project: string, region: string): string => `projects/${project}/regions/${region}`;
export const globalPath = (project: string): string => `projects/${project}/global`;

export function link(path: string): string {
  return `${API_ROOT}/${path}`;
}

/** The text after the last `/`: machine types, zones and templates are often given as URLs or partial paths. */
export function lastSegment(value: string): string {
  const index = value.lastIndexOf('/');
  return index < 0 ? value : value.slice(index + 1);
}

/** Strips the API root (if any) so full URLs and `projects/…` partial paths compare equal. */
export function relativePath(value: string): string {
  const withoutRoot = value.replace(/^https?:\/\/[^/]+\/compute\/(?:v1|beta|alpha)\//, '');
  return withoutRoot.replace(/^\//, '');
}
