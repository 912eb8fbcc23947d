import { describe, expect, it } from 'vitest';
import { np, makeJaxpr, typecheck, Jaxpr, ShapeError } from '../lib/index.js';
import { aval, eqn, newVar, literal } from '../lib/core/ir.js';
import { Add, Mul } from '../lib/primitives/binary.js';
import { Sin } from '../lib/primitives/elementwise.js';

describe('printer', () => {
  it('prints a jaxpr in JAX style', () => {
    const j = makeJaxpr((x: np.Array) => np.sin(x))(np.zeros([3]));
    expect(j.toString()).toBe('{ lambda a:f64[3] . let\n    b:f64[3] = sin a\n  in ( b ) }');
  });

  it('prints literals, params, consts and several outputs', () => {
    const c = np.array([1, 2, 3], { dtype: 'float32' });
    const j = makeJaxpr((x: np.Array) => [x.mul(2).add(c), x.sum(0, { keepdims: true })])(np.zeros([3], { dtype: 'float32' }));
    expect(j.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[3] ; b:f32[3] . let
          c:f32[3] = mul b 2.0
          d:f32[3] = add c a
          e:f32[] = reduce_sum[axes=(0)] b
          f:f32[1] = reshape[newSizes=(1)] e
        in ( d f ) }"
    `);
  });

  it('prints an empty body and int/bool literals', () => {
    const j = makeJaxpr((x: np.Array) => x)(np.zeros([2], { dtype: 'int32' }));
    expect(j.toString()).toBe('{ lambda a:i32[2] . let  in ( a ) }');
    const k = makeJaxpr((x: np.Array) => x.add(1))(np.zeros([2], { dtype: 'int32' }));
    expect(k.toString()).toContain('add a 1');
  });

  it('names variables past z', () => {
    const j = makeJaxpr((x: np.Array) => {
      let y = x;
      for (let i = 0; i < 30; i++) y = np.sin(y);
      return y;
    })(np.zeros([]));
    expect(j.toString()).toContain('ae:f64[] = sin ad');
  });
});

describe('immutability', () => {
  it('freezes jaxprs, equations and avals', () => {
    const j = makeJaxpr((x: np.Array) => np.sin(x))(np.zeros([3])).jaxpr;
    expect(Object.isFrozen(j)).toBe(true);
    expect(Object.isFrozen(j.eqns)).toBe(true);
    expect(Object.isFrozen(j.eqns[0])).toBe(true);
    expect(Object.isFrozen(j.inputs[0].aval.shape)).toBe(true);
    expect(() => (j.eqns as unknown[]).push(1)).toThrow();
  });
});

describe('typecheck', () => {
  it('accepts traced jaxprs', () => {
    const j = makeJaxpr((x: np.Array, y: np.Array) => np.matmul(x, y).sum(1).mul(np.exp(x.slice([], 0))))(np.zeros([4, 3]), np.zeros([3, 5]));
    expect(typecheck(j.jaxpr)).toBe(j.jaxpr);
  });

  it('reports a wrong declared output aval with the equation printed', () => {
    const x = newVar(aval([3], 'float64'));
    const bad = newVar(aval([4], 'float64'));
    const j = new Jaxpr([], [x], [eqn(Sin, [x], [bad], {})], [bad]);
    expect(() => typecheck(j)).toThrow(ShapeError);
    expect(() => typecheck(j)).toThrow(/sin produces f64\[3\] but the equation declares f64\[4\]/);
  });

  it('reports a use before definition', () => {
    const x = newVar(aval([3], 'float64'));
    const y = newVar(aval([3], 'float64'));
    const z = newVar(aval([3], 'float64'));
    const j = new Jaxpr([], [x], [eqn(Add, [x, y], [z], {})], [z]);
    expect(() => typecheck(j)).toThrow(/used before it is defined/);
  });

  it('reports shape-rule failures and undefined outputs', () => {
    const x = newVar(aval([3], 'float64'));
    const y = newVar(aval([2], 'float64'));
    const z = newVar(aval([3], 'float64'));
    expect(() => typecheck(new Jaxpr([], [x, y], [eqn(Mul, [x, y], [z], {})], [z]))).toThrow(/mul: operand shapes must be equal/);
    expect(() => typecheck(new Jaxpr([], [x], [], [z]))).toThrow(/never defined/);
    expect(() => typecheck(new Jaxpr([], [x], [eqn(Mul, [x, literal(2, 'float32')], [z], {})], [z]))).toThrow(/dtypes must match/);
  });
});
