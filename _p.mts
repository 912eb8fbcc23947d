import { np, jit, grad } from './lib/index.js';
console.log(np.array([[1, 2], [3, 4.5]]));
console.log({ a: np.array([1, 2]), b: np.array(3, { dtype: 'int32' }) });
jit((x: np.Array) => { console.log('traced:', x); return x; })(np.ones([2]));
console.log(np.arange(2000).reshape([2, 1000]));
console.log(np.array([true, false]));
const d = np.ones([3]); d.dispose(); console.log(d);
console.log(String(np.array([[1, 2], [3, 4.5]])));
console.log(np.ones([3,3,2]));
