#pragma once
// Spearman's rank correlation: the Pearson correlation of the ranks, with tied values given
// the mean of the ranks they span (so monotone relations score 1 even with ties).
#include <vector>

namespace lf {

// Ranks starting at 1; ties get their average rank.
std::vector<double> averageRanks(const std::vector<double>& values);
// Throws lf::Error when the sizes differ, fewer than 2 values are given, a value is NaN, or
// either side is constant (the correlation is undefined).
double spearmanCorrelation(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace lf
