/**
 * The edits the declaration form makes, by path. The core applies them to the YAML (formEdits.ts); the
 * form editor's protocol carries them (src/editor/protocol.ts re-exports these types).
 */

/** Where a field is: `['spec', 'containers', 0, 'image']`. */
export type FormPath = (string | number)[];

/** A plain JSON value the form writes (a scalar, or a new list item / map such as a whole env entry). */
export type FormValue = string | number | boolean | null | FormValue[] | { [key: string]: FormValue };

/** One change the form makes; the host turns it into a minimal text edit of the YAML. */
export type FormEdit =
  /** Sets a scalar (creating missing maps on the way); `null` writes an explicit null. */
  | { kind: 'set'; path: FormPath; value: string | number | boolean | null }
  /** Removes a map key or a list item (and, for the last item, the empty list's key). */
  | { kind: 'remove'; path: FormPath }
  /** Inserts into the list at `path` (created when missing) at `index`, or appends. */
  | { kind: 'insert'; path: FormPath; index?: number; value: FormValue };
