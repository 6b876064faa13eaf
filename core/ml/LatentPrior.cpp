#include "core/ml/LatentPrior.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace lf::ml {
namespace {

constexpr const char* kWeights = "latent_prior.weights";
constexpr const char* kMeans = "latent_prior.means";
constexpr const char* kCholesky = "latent_prior.cholesky";
constexpr const char* kNames = "latent_prior.names";
constexpr const char* kTypical = "latent_prior.typical";

// |L^-1 (z - mean)|^2 by forward substitution (y: scratch of size L), and log det L.
struct Whitened {
    double squared = 0, logDeterminant = 0;
};
Whitened whiten(const LatentPrior::Component& c, const float* z, int l, std::vector<double>& y) {
    Whitened out;
    for (int a = 0; a < l; ++a) {
        double s = double(z[a]) - double(c.mean[std::size_t(a)]);
        for (int b = 0; b < a; ++b) s -= double(c.cholesky[std::size_t(a) * l + b]) * y[std::size_t(b)];
        const double diagonal = double(c.cholesky[std::size_t(a) * l + a]);
        y[std::size_t(a)] = s / diagonal;
        out.squared += y[std::size_t(a)] * y[std::size_t(a)];
        out.logDeterminant += std::log(std::abs(diagonal));
    }
    return out;
}

// In-place Cholesky of a symmetric positive-definite n x n matrix (row-major): lower factor.
bool choleskyInPlace(std::vector<double>& a, int n) {
    for (int j = 0; j < n; ++j) {
        double d = a[std::size_t(j) * n + j];
        for (int k = 0; k < j; ++k) d -= a[std::size_t(j) * n + k] * a[std::size_t(j) * n + k];
        if (!(d > 0)) return false;
        const double l = std::sqrt(d);
        a[std::size_t(j) * n + j] = l;
        for (int i = j + 1; i < n; ++i) {
            double s = a[std::size_t(i) * n + j];
            for (int k = 0; k < j; ++k) s -= a[std::size_t(i) * n + k] * a[std::size_t(j) * n + k];
            a[std::size_t(i) * n + j] = s / l;
        }
        for (int i = 0; i < j; ++i) a[std::size_t(i) * n + j] = 0;  // upper part cleared
    }
    return true;
}

TensorRecord floatRecord(const std::string& name, std::vector<std::int64_t> shape, const std::vector<float>& values) {
    TensorRecord r;
    r.name = name;
    r.dtype = DType::F32;
    r.shape = std::move(shape);
    r.data.resize(values.size() * sizeof(float));
    std::memcpy(r.data.data(), values.data(), r.data.size());
    return r;
}

std::vector<float> floatsOf(const TensorRecord& r, const std::string& what) {
    if (r.dtype != DType::F32) throw Error(what + ": " + r.name + " must be F32");
    std::vector<float> out(std::size_t(r.numel()));
    std::memcpy(out.data(), r.data.data(), out.size() * sizeof(float));
    for (float v : out)
        if (!std::isfinite(v)) throw Error(what + ": " + r.name + " has non-finite values");
    return out;
}

}  // namespace

LatentPrior fitLatentPrior(const std::vector<float>& codes, int latentSize, const std::vector<int>& labels,
                           const std::vector<std::string>& names, double ridge) {
    const int l = latentSize;
    if (l < 1 || codes.size() != labels.size() * std::size_t(l))
        throw Error("latent prior: " + std::to_string(codes.size()) + " code values for " +
                    std::to_string(labels.size()) + " labels of latent size " + std::to_string(l));
    LatentPrior prior;
    prior.latentSize = l;
    for (int c = 0; c < int(names.size()); ++c) {
        std::vector<std::size_t> rows;
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (labels[i] < 0 || labels[i] >= int(names.size()))
                throw Error("latent prior: label " + std::to_string(labels[i]) + " has no name");
            if (labels[i] == c) rows.push_back(i);
        }
        if (rows.size() < 2) continue;
        std::vector<double> mean(std::size_t(l), 0.0);
        for (std::size_t i : rows)
            for (int d = 0; d < l; ++d) mean[std::size_t(d)] += codes[i * l + std::size_t(d)];
        for (double& m : mean) m /= double(rows.size());
        std::vector<double> cov(std::size_t(l) * l, 0.0);
        for (std::size_t i : rows)
            for (int a = 0; a < l; ++a) {
                const double da = codes[i * l + std::size_t(a)] - mean[std::size_t(a)];
                for (int b = 0; b <= a; ++b)
                    cov[std::size_t(a) * l + b] += da * (codes[i * l + std::size_t(b)] - mean[std::size_t(b)]);
            }
        double trace = 0;
        for (int a = 0; a < l; ++a)
            for (int b = 0; b <= a; ++b) {
                cov[std::size_t(a) * l + b] /= double(rows.size() - 1);
                cov[std::size_t(b) * l + a] = cov[std::size_t(a) * l + b];
                if (a == b) trace += cov[std::size_t(a) * l + a];
            }
        const double jitter = std::max(ridge * trace / l, 1e-12);
        for (int a = 0; a < l; ++a) cov[std::size_t(a) * l + a] += jitter;
        if (!choleskyInPlace(cov, l)) throw Error("latent prior: the covariance of " + names[std::size_t(c)] + " is not positive definite");
        LatentPrior::Component component;
        component.name = names[std::size_t(c)];
        component.weight = double(rows.size()) / double(labels.size());
        component.mean.assign(mean.begin(), mean.end());
        component.cholesky.assign(cov.begin(), cov.end());
        prior.components.push_back(std::move(component));
    }
    return prior;
}

std::vector<std::ptrdiff_t> mostTypicalCodes(const LatentPrior& prior, const std::vector<float>& codes,
                                             const std::vector<int>& labels, const std::vector<std::string>& names) {
    const int l = prior.latentSize;
    if (l < 1 || codes.size() != labels.size() * std::size_t(l))
        throw Error("latent prior: " + std::to_string(codes.size()) + " code values for " +
                    std::to_string(labels.size()) + " labels of latent size " + std::to_string(l));
    std::vector<std::ptrdiff_t> rows;
    std::vector<double> y(static_cast<std::size_t>(l));
    for (const auto& component : prior.components) {
        std::ptrdiff_t best = -1;
        double nearest = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (labels[i] < 0 || labels[i] >= int(names.size()))
                throw Error("latent prior: label " + std::to_string(labels[i]) + " has no name");
            if (names[std::size_t(labels[i])] != component.name) continue;
            const double d = whiten(component, codes.data() + i * l, l, y).squared;
            if (d < nearest) {
                nearest = d;
                best = std::ptrdiff_t(i);
            }
        }
        rows.push_back(best);
    }
    return rows;
}

PriorSample samplePrior(const LatentPrior& prior, std::uint64_t seed, double psi) {
    if (prior.empty()) throw Error("latent prior: the model has none");
    std::mt19937_64 rng(seed);
    double total = 0;
    for (const auto& c : prior.components) total += c.weight;
    double pick = double(rng() >> 11) * 0x1.0p-53 * total;
    PriorSample out;
    out.component = int(prior.components.size()) - 1;
    for (std::size_t k = 0; k < prior.components.size(); ++k) {
        if (pick < prior.components[k].weight) {
            out.component = int(k);
            break;
        }
        pick -= prior.components[k].weight;
    }
    const auto& c = prior.components[std::size_t(out.component)];
    const int l = prior.latentSize;
    const Latent eps = sampleLatent(rng(), l);
    out.latent = c.mean;
    for (int a = 0; a < l; ++a) {
        double s = 0;
        for (int b = 0; b <= a; ++b) s += double(c.cholesky[std::size_t(a) * l + b]) * eps[std::size_t(b)];
        out.latent[std::size_t(a)] += float(s);
    }
    // truncate() exactly as the GUI applies psi to a seeded design, so both give the same bits.
    if (psi != 1.0) out.latent = truncate(out.latent, c.mean, psi);
    return out;
}

int likeliestComponent(const LatentPrior& prior, const Latent& latent) {
    const int l = prior.latentSize;
    if (prior.empty() || int(latent.size()) != l) return -1;
    int best = -1;
    double bestScore = -std::numeric_limits<double>::infinity();
    std::vector<double> y(static_cast<std::size_t>(l));
    for (std::size_t k = 0; k < prior.components.size(); ++k) {
        const auto& c = prior.components[k];
        // log(w) - 0.5 |L^-1 (z - mean)|^2 - log det L.
        const Whitened w = whiten(c, latent.data(), l, y);
        const double score = std::log(std::max(c.weight, 1e-300)) - 0.5 * w.squared - w.logDeterminant;
        if (score > bestScore) {
            bestScore = score;
            best = int(k);
        }
    }
    return best;
}

void appendLatentPrior(SafetensorsContents& weights, const LatentPrior& prior) {
    if (prior.empty()) return;
    const auto k = std::int64_t(prior.components.size()), l = std::int64_t(prior.latentSize);
    std::vector<float> w, means, chol, typical;
    nlohmann::json names = nlohmann::json::array();
    for (const auto& c : prior.components) {
        w.push_back(float(c.weight));
        means.insert(means.end(), c.mean.begin(), c.mean.end());
        chol.insert(chol.end(), c.cholesky.begin(), c.cholesky.end());
        typical.insert(typical.end(), c.typical.begin(), c.typical.end());
        names.push_back(c.name);
    }
    weights.tensors.push_back(floatRecord(kWeights, {k}, w));
    weights.tensors.push_back(floatRecord(kMeans, {k, l}, means));
    weights.tensors.push_back(floatRecord(kCholesky, {k, l, l}, chol));
    const bool everyOne = std::all_of(prior.components.begin(), prior.components.end(), [&](const auto& c) {
        return c.typical.size() == std::size_t(l);
    });
    if (everyOne) weights.tensors.push_back(floatRecord(kTypical, {k, l}, typical));
    weights.metadata[kNames] = names.dump();
}

LatentPrior readLatentPrior(const SafetensorsContents& weights, int latentSize, const std::string& what) {
    const auto* w = weights.find(kWeights);
    const auto* means = weights.find(kMeans);
    const auto* chol = weights.find(kCholesky);
    const auto names = weights.metadata.find(kNames);
    LatentPrior prior;
    prior.latentSize = latentSize;
    if (!w && !means && !chol) return prior;
    if (!w || !means || !chol || names == weights.metadata.end())
        throw Error(what + ": latent prior is incomplete (needs latent_prior.weights, .means, .cholesky, .names)");
    const std::int64_t l = latentSize;
    const std::int64_t k = w->shape.size() == 1 ? w->shape[0] : -1;
    if (k < 1 || means->shape != std::vector<std::int64_t>{k, l} || chol->shape != std::vector<std::int64_t>{k, l, l})
        throw Error(what + ": latent prior tensors have inconsistent shapes");
    const auto* typical = weights.find(kTypical);
    if (typical && typical->shape != std::vector<std::int64_t>{k, l})
        throw Error(what + ": latent_prior.typical must be [" + std::to_string(k) + ", " + std::to_string(l) + "]");
    std::vector<std::string> nameList;
    try {
        nameList = nlohmann::json::parse(names->second).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception&) {
        throw Error(what + ": latent_prior.names is not a JSON array of names");
    }
    if (std::int64_t(nameList.size()) != k) throw Error(what + ": latent_prior.names does not name every component");
    const auto wv = floatsOf(*w, what), mv = floatsOf(*means, what), cv = floatsOf(*chol, what);
    const auto tv = typical ? floatsOf(*typical, what) : std::vector<float>{};
    for (std::int64_t c = 0; c < k; ++c) {
        LatentPrior::Component component;
        component.name = nameList[std::size_t(c)];
        component.weight = wv[std::size_t(c)];
        if (!(component.weight > 0)) throw Error(what + ": latent prior weights must be positive");
        component.mean.assign(mv.begin() + c * l, mv.begin() + (c + 1) * l);
        component.cholesky.assign(cv.begin() + c * l * l, cv.begin() + (c + 1) * l * l);
        if (typical) component.typical.assign(tv.begin() + c * l, tv.begin() + (c + 1) * l);
        prior.components.push_back(std::move(component));
    }
    return prior;
}

std::vector<std::string> latentPriorTensorNames() { return {kWeights, kMeans, kCholesky, kTypical}; }

}  // namespace lf::ml
