"""Times pyhf (numpy backend, its default scipy SLSQP optimizer) on the statistics benchmark's models
(models.json: S, M, L and the 15-parameter T15) and writes results.json beside this file, which
`npm run bench` (benchmarks/stats.ts) prints next to cotangent's times.

Jobs, as benchmarks/stats.ts runs them on cotangent:
  nll        Model.logpdf at a fixed parameter point (numpy is eager: pyhf's "jit" and "eager" rows are this)
  fit        pyhf.infer.mle.fit(data, model)
  hypotest   pyhf.infer.hypotest(1.0, data, model, test_stat='qtilde', return_expected_set=True)
  firstFit   a fresh pyhf.Model(spec) and its first fit (pyhf compiles nothing: model build + fit)
  freshProcess  the same in a new Python process, pyhf imported but nothing run yet: the first fit
             of a user's script (median of 3 processes; L: 1)
  T15 also:  upper_limit (toms748 root finding, pyhf's default) and a toy-based hypotest (few toys;
             stats.ts scales them to 10^4, labelled)
Each job: one warm-up call (when a call takes under 2 s), then the median of repetitions within a
time budget (at least 1). CLs: pyhf's at its default tolerance, and a tightly converged one
(SLSQP tolerance 1e-12; its spread over two starting points is recorded too: SLSQP's finite-
difference gradients limit how far it converges).

Run: python3 benchmarks/pyhf/run.py [--skip-tight-L] [--only S,M] [--jobs freshProcess]
(--jobs: only these jobs, kept beside the other results already in results.json)
pyhf is pure Python: its source runs on Debian's python3-numpy, python3-scipy, python3-jsonschema,
python3-jsonpatch, python3-click, python3-tqdm, python3-rich. If `import pyhf` fails, the source
is taken from PYHF_SRC (a checkout's src/) or extracted from the git mirror PYHF_GIT
(default /work/.mirror/scikit-hep+pyhf/repo) into a temporary folder.
"""
import os

# One BLAS thread: pyhf's numpy calls are small, and on a shared 2-core machine OpenBLAS's spinning
# worker threads made fits 4x slower (M's fit: 4.6 s with the default threads, 1.2 s with one, under
# the same load). Set before numpy loads; an explicit setting in the environment wins.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import atexit
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
PYHF_GIT = os.environ.get("PYHF_GIT", "/work/.mirror/scikit-hep+pyhf/repo")


def git(*args):
    return subprocess.run(["git", f"--git-dir={PYHF_GIT}", *args], check=True, capture_output=True, text=True).stdout.strip()


def import_pyhf():
    """pyhf from the environment, PYHF_SRC, or extracted from the mirror (a bare repository: no
    work tree, and setuptools_scm's _version.py is written here from `git describe`)."""
    src = os.environ.get("PYHF_SRC")
    if src:
        sys.path.insert(0, src)
    try:
        import pyhf  # noqa: F401
        return pyhf, None
    except ImportError:
        if src:
            raise
    commit = git("rev-parse", "HEAD")
    tmp = tempfile.mkdtemp(prefix="pyhf-src-")
    atexit.register(shutil.rmtree, tmp, True)
    archive = subprocess.run(["git", f"--git-dir={PYHF_GIT}", "archive", commit, "src"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "x", "-C", tmp], input=archive, check=True)
    tag, n, g = git("describe", "--tags", "--long").rsplit("-", 2)
    major, minor, patch = tag.lstrip("v").split(".")
    with open(os.path.join(tmp, "src", "pyhf", "_version.py"), "w") as f:
        f.write(f'version = "{major}.{minor}.{int(patch) + 1}.dev{n}+{g}"\n')
    sys.path.insert(0, os.path.join(tmp, "src"))
    import pyhf
    return pyhf, commit


pyhf, COMMIT = import_pyhf()
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from pyhf.infer.intervals.upper_limits import upper_limit  # noqa: E402

if COMMIT is None:
    try:
        COMMIT = git("rev-parse", "HEAD")
    except Exception:
        COMMIT = "unknown"

DEFAULT_OPT = pyhf.optimize.scipy_optimizer()


def default_backend():
    pyhf.set_backend("numpy", DEFAULT_OPT)


def tight_backend():
    pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))


def timeit(fn, budget_s, max_reps=15):
    """One warm-up call when calls are short, then the median over a time budget (1 to max_reps).
    Wall and CPU time (process_time) both: on a shared machine the CPU time is the steadier one."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
    times, cpu = ([], []) if first < 2 else ([first], [first_cpu])  # a slow first call is a sample, not a warm-up
    reps = max(1, min(max_reps, int(budget_s / max(first, 1e-6))))
    while len(times) < reps:
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"ms": statistics.median(times) * 1e3, "cpuMs": statistics.median(cpu) * 1e3, "samples": len(times), "firstMs": first * 1e3}, out


def small_loop(fn, n):
    """(wall, cpu) seconds per call of a fast function, timed over n calls."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n, (time.process_time() - c0) / n


def fixed_pars(model):
    """The NLL job's point: the init shifted by 0.01 * (i % 3), as benchmarks/stats.ts does."""
    init = model.config.suggested_init()
    return np.asarray([v + 0.01 * (i % 3) for i, v in enumerate(init)], dtype=float)


def cls_record(r):
    return {"cls": float(r[0]), "expectedSet": [float(x) for x in r[1]]}


def fresh_child(name):
    """The child of freshProcess: this process's first Model and fit, as JSON on stdout."""
    m = json.load(open(os.path.join(HERE, "models.json")))["models"][name]
    default_backend()
    t0, c0 = time.perf_counter(), time.process_time()
    model = pyhf.Model(m["spec"], poi_name="mu")
    pyhf.infer.mle.fit(np.asarray(m["data"] + model.config.auxdata, dtype=float), model)
    print(json.dumps({"ms": (time.perf_counter() - t0) * 1e3, "cpuMs": (time.process_time() - c0) * 1e3}))


def fresh_process(name):
    env = dict(os.environ, PYHF_SRC=os.path.dirname(os.path.dirname(pyhf.__file__)))
    runs = [json.loads(subprocess.run([sys.executable, os.path.abspath(__file__), "--fresh-child", name], env=env, check=True, capture_output=True, text=True).stdout)
            for _ in range(1 if name == "L" else 3)]
    return {"ms": statistics.median(r["ms"] for r in runs), "cpuMs": statistics.median(r["cpuMs"] for r in runs), "samples": len(runs)}


def run_size(name, m, tight, toys, save=lambda rec: None, jobs=None):
    if jobs is not None:  # only these jobs, beside what the size's record already has
        rec = json.load(open(os.path.join(HERE, "results.json")))["sizes"][name]
        if "freshProcess" in jobs and name != "T15":
            rec["jobs"]["freshProcess"] = fresh_process(name)
            print(f"{name} freshProcess {rec['jobs']['freshProcess']['ms']:.1f} ms", flush=True)
        return rec
    default_backend()
    model = pyhf.Model(m["spec"], poi_name="mu")
    assert model.config.npars == m["parameters"], f"{name}: pyhf has {model.config.npars} parameters, models.json says {m['parameters']}"
    data = np.asarray(m["data"] + model.config.auxdata, dtype=float)
    rec = {"parameters": model.config.npars, "bins": model.config.nmaindata, "jobs": {}}
    pars = fixed_pars(model)
    rec["nll"] = float(-model.logpdf(pars, data)[0])
    # logpdf: short calls, timed in loops of ~20 ms, median of 15 loops.
    per = small_loop(lambda: model.logpdf(pars, data), 20)[0]
    n = max(1, int(0.02 / per))
    loops = [small_loop(lambda: model.logpdf(pars, data), n) for _ in range(15)]
    rec["jobs"]["nll"] = {"ms": statistics.median(l[0] for l in loops) * 1e3, "cpuMs": statistics.median(l[1] for l in loops) * 1e3, "samples": 15, "callsPerSample": n}
    print(f"{name} nll {rec['jobs']['nll']['ms']:.4f} ms", flush=True)

    rec["jobs"]["fit"], best = timeit(lambda: pyhf.infer.mle.fit(data, model, return_fitted_val=True), 60)
    rec["fit"] = {"nll": float(best[1]) / 2, "mu": float(best[0][model.config.poi_index])}  # fitted val is twice_nll
    print(f"{name} fit {rec['jobs']['fit']['ms']:.1f} ms", flush=True)
    save(rec)

    if name != "L":
        rec["jobs"]["firstFit"], _ = timeit(lambda: pyhf.infer.mle.fit(data, pyhf.Model(m["spec"], poi_name="mu")), 30)
    else:  # L's fit takes minutes: Model() timed alone, plus the fit's time above
        build, _ = timeit(lambda: pyhf.Model(m["spec"], poi_name="mu"), 10)
        fit = rec["jobs"]["fit"]
        rec["jobs"]["firstFit"] = {"ms": build["ms"] + fit["ms"], "cpuMs": build["cpuMs"] + fit["cpuMs"], "samples": build["samples"], "derived": f"Model() {build['ms']:.1f} ms (median) + the fit's median"}
    print(f"{name} firstFit {rec['jobs']['firstFit']['ms']:.1f} ms", flush=True)
    if name != "T15":
        rec["jobs"]["freshProcess"] = fresh_process(name)
        print(f"{name} freshProcess {rec['jobs']['freshProcess']['ms']:.1f} ms", flush=True)
    save(rec)

    ht = lambda: pyhf.infer.hypotest(1.0, data, model, test_stat="qtilde", return_expected_set=True)
    rec["jobs"]["hypotest"], r = timeit(ht, 60 if name != "L" else 1)
    rec["clsDefault"] = cls_record(r)
    print(f"{name} hypotest {rec['jobs']['hypotest']['ms']:.1f} ms CLs {rec['clsDefault']['cls']:.10f}", flush=True)

    save(rec)

    if name == "T15":
        rec["jobs"]["upperLimit"], ul = timeit(lambda: upper_limit(data, model), 60)
        rec["upperLimit"] = {"observed": float(ul[0]), "expected": [float(x) for x in ul[1]]}
        print(f"{name} upper_limit {rec['jobs']['upperLimit']['ms']:.1f} ms -> {ul[0]:.5f}", flush=True)
        if toys:
            tb = lambda: pyhf.infer.hypotest(1.0, data, model, test_stat="qtilde", calctype="toybased", ntoys=toys, track_progress=False)
            rec["jobs"]["toys"], _ = timeit(tb, 1)
            rec["jobs"]["toys"]["ntoys"] = toys
            print(f"{name} toybased hypotest, {toys} toys per hypothesis: {rec['jobs']['toys']['ms']:.0f} ms", flush=True)

    if tight:
        tight_backend()
        t0 = time.perf_counter()
        rec["clsTight"] = cls_record(ht())
        rec["clsTight"]["ms"] = (time.perf_counter() - t0) * 1e3
        # The same tolerance started at pyhf's own best fit: how far the tight reference itself moves.
        phat = pyhf.infer.mle.fit(data, model)
        rec["clsTightFromBestfit"] = cls_record(pyhf.infer.hypotest(1.0, data, model, init_pars=phat.tolist(), test_stat="qtilde", return_expected_set=True))
        print(f"{name} tight CLs {rec['clsTight']['cls']:.10f} / from best fit {rec['clsTightFromBestfit']['cls']:.10f}", flush=True)
        default_backend()
    return rec


def main():
    args = sys.argv[1:]
    if "--fresh-child" in args:
        return fresh_child(args[args.index("--fresh-child") + 1])
    only = None
    if "--only" in args:
        only = args[args.index("--only") + 1].split(",")
    jobs = args[args.index("--jobs") + 1].split(",") if "--jobs" in args else None
    skip_tight_l = "--skip-tight-L" in args
    models = json.load(open(os.path.join(HERE, "models.json")))["models"]
    out_path = os.path.join(HERE, "results.json")
    prev = json.load(open(out_path)) if os.path.exists(out_path) and (only or jobs) else {"sizes": {}}
    cpu = "?"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except Exception:
        pass
    result = {
        "pyhf": {"version": pyhf.__version__, "commit": COMMIT, "backend": "numpy (float64)",
                 "optimizer": "scipy SLSQP (pyhf default: scipy_optimizer(), tolerance None = scipy's default ftol 1e-6)"},
        "machine": {"cpu": cpu, "cores": os.cpu_count(), "os": f"{platform.system()} {platform.release()}",
                    "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                    "blasThreads": os.environ["OPENBLAS_NUM_THREADS"], "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "load": os.getloadavg()[0]},
        "method": "wall (ms) and CPU (cpuMs: process_time) time; one warm-up call when a call takes < 2 s, then the median of repetitions within a budget (60 s per job; L's hypotest and first fit: 1); "
                  "nll: median of 15 loops of ~20 ms. freshProcess: Model() and fit in a new Python process that has only imported pyhf (median of 3 processes; L: 1). Tight CLs: scipy_optimizer(tolerance=1e-12), from pyhf's default init and from pyhf's best fit.",
        "generator": "benchmarks/pyhf/run.py",
        "sizes": prev.get("sizes", {}),
    }
    if jobs:  # the other jobs keep the machine and date they were timed on; these jobs' date beside
        result = {**prev, "method": result["method"]}
        result["machine"] = {**prev["machine"], **{f"{j}Date": datetime.now(timezone.utc).isoformat(timespec="seconds") for j in jobs}}

    def save(name, rec):  # after every job: a long run keeps what it has
        result["sizes"][name] = rec
        with open(out_path, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")

    for name in ["S", "M", "T15", "L"]:
        if only and name not in only:
            continue
        save(name, run_size(name, models[name], tight=not (name == "L" and skip_tight_l), toys=50 if name == "T15" else 0, save=lambda rec, n=name: save(n, rec), jobs=jobs))
    print("wrote", out_path)


if __name__ == "__main__":
    main()
