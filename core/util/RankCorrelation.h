#pragma once
// Spearman's rank correlation: the Pearson correlation of the ranks, with tied values given
// the mean of the ranks they span (so monotone relations score 1 even with ties).
#include <cstdint>
#include <vector>

namespace lf {

// Ranks starting at 1; ties get their average rank.
std::vector<double> averageRanks(const std::vector<double>& values);
// Throws lf::Error when the sizes differ, fewer than 2 values are given, a value is NaN, or
// either side is constant (the correlation is undefined).
double spearmanCorrelation(const std::vector<double>& x, const std::vector<double>& y);

// Percentile bootstrap interval of Spearman's rho: `resamples` draws of the pairs with
// replacement, the (1 - level)/2 and (1 + level)/2 quantiles of their rho. Seeded, so the same
// data give the same interval; draws in which one side is constant are skipped. Says how far a
// rho measured over a finite set of points can be trusted. Throws as spearmanCorrelation.
struct CorrelationInterval {
    double low = 0, high = 0;
};
CorrelationInterval spearmanBootstrapInterval(const std::vector<double>& x, const std::vector<double>& y,
                                              double level = 0.95, int resamples = 1000, std::uint64_t seed = 1);

}  // namespace lf
