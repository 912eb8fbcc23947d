/**
 * JSON Patch (RFC 6902: add, remove, replace, move, copy, test at RFC 6901 pointers), as HEPData
 * publishes signal hypotheses for pyhf workspaces. A patch is a list of edits of frozen JSON, which
 * is what immer's `produce` is for: the result shares every untouched subtree with the input and
 * is frozen, the input is never modified, and a failing patch changes nothing.
 */
import { type Draft, current, isDraft, produce } from 'immer';

/** One JSON Patch operation (RFC 6902), as in a pyhf patchset's `patch` lists. */
export interface JsonPatchOp {
  /** The operation: 'add', 'remove', 'replace', 'move', 'copy' or 'test'. */
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  /** The JSON pointer (RFC 6901) it acts on, e.g. '/channels/0/samples/-' ('-': append to an array). */
  readonly path: string;
  /** The value to add, replace with or test for (add, replace, test). */
  readonly value?: unknown;
  /** The JSON pointer to move or copy from (move, copy). */
  readonly from?: string;
}

type Container = Record<string, unknown> | unknown[];

/** RFC 6901: '' is the document, '/a/0/b~1c' is ['a', '0', 'b/c']. */
export function parsePointer(pointer: string, where: string): string[] {
  if (pointer === '') return [];
  if (typeof pointer !== 'string' || !pointer.startsWith('/')) throw new Error(`${where}: a JSON pointer is '' or starts with '/', got ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const plain = (v: unknown): unknown => (isDraft(v) ? current(v) : v);
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** The index an array token names ('-' is one past the end when `allowEnd`). */
function indexOf(arr: unknown[], token: string, allowEnd: boolean, where: string): number {
  if (token === '-' && allowEnd) return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`${where}: '${token}' is not an array index`);
  const i = Number(token);
  if (i > arr.length || (i === arr.length && !allowEnd)) throw new Error(`${where}: index ${i} is out of range for an array of length ${arr.length}`);
  return i;
}

/** The container holding the pointer's last token, and that token. */
function parentOf(root: Container, tokens: readonly string[], where: string): [Container, string] {
  let node: unknown = root;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[indexOf(node, t, false, where)];
    else if (isContainer(node) && Object.prototype.hasOwnProperty.call(node, t)) node = (node as Record<string, unknown>)[t];
    else throw new Error(`${where}: '${t}' does not exist`);
  }
  if (!isContainer(node)) throw new Error(`${where}: the parent is not an object or array`);
  return [node, tokens[tokens.length - 1]];
}

function get(root: Container, tokens: readonly string[], where: string): unknown {
  const [p, k] = parentOf(root, tokens, where);
  if (Array.isArray(p)) return p[indexOf(p, k, false, where)];
  if (!Object.prototype.hasOwnProperty.call(p, k)) throw new Error(`${where}: '${k}' does not exist`);
  return p[k];
}

function add(root: Container, tokens: readonly string[], value: unknown, where: string): void {
  const [p, k] = parentOf(root, tokens, where);
  if (Array.isArray(p)) p.splice(indexOf(p, k, true, where), 0, value);
  else p[k] = value;
}

function remove(root: Container, tokens: readonly string[], where: string): unknown {
  const [p, k] = parentOf(root, tokens, where);
  if (Array.isArray(p)) return p.splice(indexOf(p, k, false, where), 1)[0];
  if (!Object.prototype.hasOwnProperty.call(p, k)) throw new Error(`${where}: '${k}' does not exist`);
  const v = p[k];
  delete p[k];
  return v;
}

/** Structural equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (!isContainer(a) || !isContainer(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * `doc` with the patch applied (a new, frozen document sharing untouched parts with `doc`). Every
 * op is checked: a missing path, a bad index or a failed `test` throws, naming the op.
 */
export function applyJsonPatch<T>(doc: T, patch: readonly JsonPatchOp[], who = 'applyJsonPatch'): T {
  if (!Array.isArray(patch)) throw new Error(`${who}: a patch is a list of operations, got ${typeof patch}`);
  // The document sits in a box, so that ops on the root ('') are edits of the box's field.
  const box = produce({ doc }, (draft: Draft<{ doc: T }>) => {
    const root = draft as unknown as Container;
    patch.forEach((op, i) => {
      const where = `${who}: op ${i} (${String(op?.op)} '${String(op?.path)}')`;
      if (typeof op !== 'object' || op === null || typeof op.path !== 'string') throw new Error(`${where}: an operation is an object with 'op' and 'path'`);
      const path = ['doc', ...parsePointer(op.path, where)];
      switch (op.op) {
        case 'add': add(root, path, structuredClone(plain(op.value)), where); break;
        case 'remove': remove(root, path, where); break;
        case 'replace': get(root, path, where); remove(root, path, where); add(root, path, structuredClone(plain(op.value)), where); break;
        case 'move': {
          const from = ['doc', ...parsePointer(String(op.from), where)];
          if (path.length > from.length && from.every((t, j) => path[j] === t)) throw new Error(`${where}: cannot move '${op.from}' into itself`);
          add(root, path, plain(remove(root, from, where)), where);
          break;
        }
        case 'copy': add(root, path, structuredClone(plain(get(root, ['doc', ...parsePointer(String(op.from), where)], where))), where); break;
        case 'test':
          if (!jsonEqual(plain(get(root, path, where)), op.value)) throw new Error(`${where}: test failed, the value is ${JSON.stringify(plain(get(root, path, where)))}, expected ${JSON.stringify(op.value)}`);
          break;
        default: throw new Error(`${where}: unknown op; valid ops are add, remove, replace, move, copy, test`);
      }
    });
  });
  return box.doc;
}
