/** Guest attributes written by the (emulated) guest agent, e.g. `hostkeys/ssh-ed25519`. */
export class GuestAttributes {
  private readonly values = new Map<string, { namespace: string; key: string; value: string }>();

  set(namespace: string, key: string, value: string): void {
    this.values.set(`${namespace}/${key}`, { namespace, key, value });
  }

  clear(): void {
    this.values.clear();
  }

  get(path: string): string | undefined {
    return this.values.get(path)?.value;
  }

  /** Items under a query path: `hostkeys/` (a namespace) or `` (everything). */
  query(queryPath: string): { namespace: string; key: string; value: string }[] {
    const namespace = queryPath.replace(/\/$/, '');
    return [...this.values.values()]
      .filter((item) => namespace === '' || item.namespace === namespace)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
