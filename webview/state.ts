/** The view state kept across hide/show with `vscode.setState` (STYLE §5.15); read back as `unknown` and checked. */

export interface ViewState {
  tab: number;
  /** Keys of sections the user closed (`container:0`, `volume:1`, `section:volumes`). */
  closed: string[];
  scrollY: number;
}

export function readViewState(value: unknown): ViewState {
  const state = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    tab: state.tab === 1 ? 1 : 0,
    closed: Array.isArray(state.closed) ? state.closed.filter((key): key is string => typeof key === 'string').slice(0, 500) : [],
    scrollY: typeof state.scrollY === 'number' && Number.isFinite(state.scrollY) && state.scrollY >= 0 ? state.scrollY : 0,
  };
}
