"""The HistFactory models of the statistics benchmark (cotangent vs pyhf), written to models.json.

Deterministic (smooth sin/exp shapes, no random numbers), every modifier type both libraries
support: normfactor (the POI mu), lumi, normsys, histosys, staterror, shapesys.

  S  pyhf's two-bin example (simplemodels.uncorrelated_background): 1 channel x 2 bins, 3 parameters
  M  3 channels x 10 bins:  mu, lumi, 2 normsys, 2 histosys + staterror (2 channels) + shapesys (1) = 36
  L  3 channels x 100 bins: the same with 100 bins per channel = 306
  T15  3 channels x 10 bins, 15 parameters: mu, lumi, 2 normsys, 1 histosys + staterror in 'sr' (10);
       the model of the fit / hypotest / upper limit / toys timings

Run: python3 benchmarks/pyhf/models.py   (needs only the standard library; run.py checks the
parameter counts with pyhf, benchmarks/stats.ts with cotangent)
"""
import json
import math
import os


def mod(t, n, d=None):
    return {"type": t, "name": n, "data": d}


def shape(b, k, scale, slope):
    """A falling background with a ripple: sample k, bin b of B."""
    return lambda i: scale * math.exp(-i / (slope * b)) + 0.2 * scale + 0.05 * scale * math.sin(1.3 * i * (k + 1) + k)


def analysis(bins, per_bin=("stat_sr", "stat_cr_tt", "shape_cr_w"), jer=True, signal=None):
    """Three channels of `bins` bins: a signal region and two control regions (ttbar, W+jets)."""
    B = bins
    r = lambda xs: [round(x, 6) for x in xs]
    sig_total = signal if signal is not None else 4.5 * math.sqrt(B)
    peak = [math.exp(-(((i - 0.6 * B) / (0.12 * B + 0.8)) ** 2)) for i in range(B)]
    sig = r([sig_total * p / sum(peak) for p in peak])
    tt = {ch: r([shape(B, k, s, 0.5)(i) for i in range(B)]) for ch, k, s in (("sr", 0, 60.0 / math.sqrt(B / 10)), ("cr_tt", 1, 300.0 / math.sqrt(B / 10)), ("cr_w", 2, 20.0 / math.sqrt(B / 10)))}
    w = {ch: r([shape(B, k + 3, s, 0.8)(i) for i in range(B)]) for ch, k, s in (("sr", 0, 40.0 / math.sqrt(B / 10)), ("cr_tt", 1, 15.0 / math.sqrt(B / 10)), ("cr_w", 2, 250.0 / math.sqrt(B / 10)))}
    # Shape variations: jes tilts ttbar, jer widens W+jets (absolute up/down histograms).
    tilt = lambda xs, a: r([x * (1 + a * (i / max(B - 1, 1) - 0.5)) for i, x in enumerate(xs)])
    widen = lambda xs, a: r([x * (1 + a * math.cos(math.pi * i / max(B - 1, 1))) for i, x in enumerate(xs)])
    stat = lambda xs, f: r([f * math.sqrt(x) * (1 + 0.3 * math.sin(0.7 * i)) for i, x in enumerate(xs)])

    def tt_mods(ch):
        m = [mod("lumi", "lumi"), mod("normsys", "tt_xsec", {"hi": 1.06, "lo": 0.95}),
             mod("histosys", "jes", {"hi_data": tilt(tt[ch], 0.08), "lo_data": tilt(tt[ch], -0.07)})]
        if ch == "sr" and "stat_sr" in per_bin:
            m.append(mod("staterror", "stat_sr", stat(tt[ch], 0.25)))
        if ch == "cr_tt" and "stat_cr_tt" in per_bin:
            m.append(mod("staterror", "stat_cr_tt", stat(tt[ch], 0.2)))
        return m

    def w_mods(ch):
        m = [mod("lumi", "lumi"), mod("normsys", "w_xsec", {"hi": 1.12, "lo": 0.9})]
        if jer and ch != "cr_tt":
            m.append(mod("histosys", "jer", {"hi_data": widen(w[ch], 0.05), "lo_data": widen(w[ch], -0.04)}))
        if ch == "sr" and "stat_sr" in per_bin:
            m.append(mod("staterror", "stat_sr", stat(w[ch], 0.3)))
        if ch == "cr_tt" and "stat_cr_tt" in per_bin:
            m.append(mod("staterror", "stat_cr_tt", stat(w[ch], 0.3)))
        if ch == "cr_w" and "shape_cr_w" in per_bin:
            m.append(mod("shapesys", "shape_cr_w", r([0.04 * x + 0.5 * math.sqrt(x) for x in w[ch]])))
        return m

    channels = []
    for ch in ("sr", "cr_tt", "cr_w"):
        samples = [{"name": "ttbar", "data": tt[ch], "modifiers": tt_mods(ch)},
                   {"name": "wjets", "data": w[ch], "modifiers": w_mods(ch)}]
        if ch == "sr":
            samples.insert(0, {"name": "signal", "data": sig, "modifiers": [mod("normfactor", "mu"), mod("lumi", "lumi")]})
        channels.append({"name": ch, "samples": samples})
    # Observed: the background, pulled a little (tt up 3%, W down 2%), with a deterministic
    # scatter of about half a Poisson width, rounded to counts.
    data = []
    for ci, ch in enumerate(sorted(c["name"] for c in channels)):  # pyhf's channel order (by name)
        for i in range(B):
            b = 1.03 * tt[ch][i] + 0.98 * w[ch][i]
            data.append(float(max(0, round(b + 0.5 * math.sqrt(b) * math.sin(2.1 * i + 0.9 * ci + 0.4)))))
    spec = {"channels": channels,
            "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}]}
    return spec, data


def two_bin():
    """pyhf.simplemodels.uncorrelated_background([12, 11], [50, 52], [3, 7]) with pyhf's data [51, 48]."""
    spec = {"channels": [{"name": "singlechannel", "samples": [
        {"name": "signal", "data": [12.0, 11.0], "modifiers": [mod("normfactor", "mu")]},
        {"name": "background", "data": [50.0, 52.0], "modifiers": [mod("shapesys", "uncorr_bkguncrt", [3.0, 7.0])]}]}]}
    return spec, [51.0, 48.0]


def models():
    out = {}
    for name, (spec, data), npar, desc in [
        ("S", two_bin(), 3, "pyhf's two-bin example: 1 channel x 2 bins, normfactor + shapesys, 3 parameters"),
        ("M", analysis(10), 36, "3 channels x 10 bins, 36 parameters: mu, lumi, normsys x2, histosys x2, staterror x2 channels, shapesys x1 channel"),
        ("L", analysis(100), 306, "3 channels x 100 bins, 306 parameters: as M with 100 bins per channel"),
        ("T15", analysis(10, per_bin=("stat_sr",), jer=False), 15, "3 channels x 10 bins, 15 parameters: mu, lumi, normsys x2, histosys x1, staterror in sr"),
    ]:
        out[name] = {"description": desc, "parameters": npar, "poi": "mu", "spec": spec, "data": data}
    return out


if __name__ == "__main__":
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models.json")
    with open(path, "w") as f:
        json.dump({"generator": "benchmarks/pyhf/models.py", "models": models()}, f, indent=1)
        f.write("\n")
    print("wrote", path)
