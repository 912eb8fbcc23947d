/**
 * Global switches for debugging, as JAX's `jax.config`: `debugNans` checks every primitive's
 * float outputs for NaN and names the primitive that produced the first one; `disableJit` runs
 * jitted functions and lax's control flow eagerly, op by op, so a debugger or `console.log`
 * sees concrete values.
 */

export interface Flags {
  /** Raise FloatingPointError when a primitive produces a NaN (JAX's jax_debug_nans). */
  debugNans: boolean;
  /** Run jit-compiled functions and lax control flow eagerly (JAX's jax_disable_jit). */
  disableJit: boolean;
}

const flags: Flags = { debugNans: false, disableJit: false };
/** JAX's spellings of the same flags. */
const ALIASES: Record<string, keyof Flags> = { jax_debug_nans: 'debugNans', jax_disable_jit: 'disableJit' };

/**
 * A flag's name for `config.update`/`config.read`: ours (`'debugNans'`, `'disableJit'`) or JAX's
 * (`'jax_debug_nans'`, `'jax_disable_jit'`).
 */
export type FlagName = keyof Flags | 'jax_debug_nans' | 'jax_disable_jit';

const nameOf = (name: string): keyof Flags => {
  const k = ALIASES[name] ?? name;
  if (k !== 'debugNans' && k !== 'disableJit') {
    throw new TypeError(`config.update: unknown flag '${name}'; the flags are ${Object.keys(flags).join(', ')} (or JAX's ${Object.keys(ALIASES).join(', ')})`);
  }
  return k;
};

/** `config.update('debugNans', true)`, `config.read('disableJit')`: JAX's jax.config. */
export const config = {
  /** Sets a flag, as `jax.config.update`; throws on an unknown name or a non-boolean value. */
  update(name: FlagName, value: boolean): void {
    if (typeof value !== 'boolean') throw new TypeError(`config.update: '${name}' takes a boolean, got ${typeof value}`);
    flags[nameOf(name)] = value;
  },
  /** The current value of a flag. */
  read(name: FlagName): boolean { return flags[nameOf(name)]; },
};

export const debugNansOn = (): boolean => flags.debugNans;
export const jitDisabled = (): boolean => flags.disableJit;

/**
 * Runs `fn` with jit disabled (JAX's `with jax.disable_jit():`): jitted functions run op by op
 * and lax.cond / switch / whileLoop / foriLoop / scan / map run as JS control flow on concrete
 * values, so breakpoints and `console.log` inside them see numbers. Restores the flag after.
 */
export function disableJit<R>(fn: () => R): R {
  const before = flags.disableJit;
  flags.disableJit = true;
  try {
    return fn();
  } finally {
    flags.disableJit = before;
  }
}

/** What JAX raises under debugNans: a primitive produced a NaN. */
export class FloatingPointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FloatingPointError';
  }
}
