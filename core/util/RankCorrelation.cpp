#include "core/util/RankCorrelation.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

namespace lf {

std::vector<double> averageRanks(const std::vector<double>& values)
{
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(values.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]])
            ++j;
        const double rank = 0.5 * double(i + j) + 1.0;
        for (std::size_t k = i; k <= j; ++k)
            ranks[order[k]] = rank;
        i = j + 1;
    }
    return ranks;
}

double spearmanCorrelation(const std::vector<double>& x, const std::vector<double>& y)
{
    if (x.size() != y.size())
        throw Error("Spearman correlation: " + std::to_string(x.size()) + " x values but " +
                    std::to_string(y.size()) + " y values");
    if (x.size() < 2)
        throw Error("Spearman correlation needs at least 2 pairs, got " + std::to_string(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i)
        if (std::isnan(x[i]) || std::isnan(y[i]))
            throw Error("Spearman correlation: pair " + std::to_string(i) + " contains NaN");
    const std::vector<double> rx = averageRanks(x), ry = averageRanks(y);
    const double mean = 0.5 * double(x.size() + 1);
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (rx[i] - mean) * (ry[i] - mean);
        sxx += (rx[i] - mean) * (rx[i] - mean);
        syy += (ry[i] - mean) * (ry[i] - mean);
    }
    if (sxx == 0.0 || syy == 0.0)
        throw Error("Spearman correlation is undefined when one side is constant");
    return sxy / std::sqrt(sxx * syy);
}

CorrelationInterval spearmanBootstrapInterval(const std::vector<double>& x, const std::vector<double>& y,
                                              double level, int resamples, std::uint64_t seed)
{
    spearmanCorrelation(x, y);  // the same checks on the data as a whole
    if (!(level > 0 && level < 1) || resamples < 1)
        throw Error("Spearman bootstrap: level must be in (0, 1) and resamples at least 1");
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<std::size_t> pick(0, x.size() - 1);
    std::vector<double> rhos, xs(x.size()), ys(y.size());
    rhos.reserve(std::size_t(resamples));
    for (int r = 0; r < resamples; ++r) {
        for (std::size_t i = 0; i < x.size(); ++i) {
            const std::size_t k = pick(random);
            xs[i] = x[k];
            ys[i] = y[k];
        }
        try {
            rhos.push_back(spearmanCorrelation(xs, ys));
        } catch (const Error&) {
            // one side constant in this draw: no rho to count
        }
    }
    if (rhos.empty())
        throw Error("Spearman bootstrap: every resample had a constant side");
    std::sort(rhos.begin(), rhos.end());
    auto quantile = [&](double q) {
        const double at = q * double(rhos.size() - 1);
        const auto below = std::size_t(std::floor(at));
        const auto above = std::min(below + 1, rhos.size() - 1);
        return rhos[below] + (at - double(below)) * (rhos[above] - rhos[below]);
    };
    return {quantile(0.5 * (1 - level)), quantile(0.5 * (1 + level))};
}

}  // namespace lf
