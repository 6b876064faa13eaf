#include "core/util/RankCorrelation.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
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

}  // namespace lf
