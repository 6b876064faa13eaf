#include "core/geometry/ShapeVaeEval.h"

#include "core/geometry/MeshReport.h"
#include "core/geometry/MeshShells.h"
#include "core/geometry/ShapeMeshing.h"
#include "core/ml/LatentMath.h"
#include "core/ml/ShapeModel.h"
#include "core/model/ModelManifest.h"
#include "core/procedural/SdfGrid.h"
#include "core/procedural/ShapeDataset.h"
#include "core/procedural/ShapeFamily.h"
#include "core/util/Error.h"

#include <open3d/geometry/PointCloud.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>
#include <utility>

namespace lf {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Occupancy (sdf < 0) as a bit set: IoU against thousands of training shapes is then a few
// thousand AND/OR + popcounts per pair.
struct Occupancy {
    std::vector<std::uint64_t> words;
};

Occupancy occupancyOf(const SdfGrid& grid) {
    Occupancy o;
    o.words.assign((grid.values.size() + 63) / 64, 0);
    for (std::size_t i = 0; i < grid.values.size(); ++i)
        if (grid.values[i] < 0) o.words[i / 64] |= std::uint64_t(1) << (i % 64);
    return o;
}

double iou(const Occupancy& a, const Occupancy& b) {
    std::size_t both = 0, either = 0;
    for (std::size_t i = 0; i < a.words.size(); ++i) {
        both += std::size_t(std::popcount(a.words[i] & b.words[i]));
        either += std::size_t(std::popcount(a.words[i] | b.words[i]));
    }
    return either == 0 ? 1.0 : double(both) / double(either);
}

// 1 - IoU to the closest of `reference`, for each query (two threads: the search is the
// evaluation's largest loop).
std::vector<double> nearestDistances(const std::vector<Occupancy>& queries, const std::vector<Occupancy>& reference) {
    std::vector<double> out(queries.size(), 1.0);
    auto work = [&](std::size_t first, std::size_t step) {
        for (std::size_t q = first; q < queries.size(); q += step) {
            double best = 0;
            for (const Occupancy& r : reference) best = std::max(best, iou(queries[q], r));
            out[q] = 1.0 - best;
        }
    };
    std::thread other(work, 1, 2);
    work(0, 2);
    other.join();
    return out;
}

// Area-weighted uniform points on the surface, deterministic for a seed.
std::vector<Eigen::Vector3d> surfacePoints(const Mesh& mesh, int count, std::uint64_t seed) {
    std::vector<double> cumulative;
    cumulative.reserve(mesh.triangles.size());
    double total = 0;
    auto corner = [&](std::uint32_t i) {
        const Vec3f& v = mesh.vertices[i];
        return Eigen::Vector3d(v[0], v[1], v[2]);
    };
    for (const Triangle& t : mesh.triangles) {
        total += 0.5 * (corner(t[1]) - corner(t[0])).cross(corner(t[2]) - corner(t[0])).norm();
        cumulative.push_back(total);
    }
    std::vector<Eigen::Vector3d> points;
    if (!(total > 0)) return points;
    std::mt19937_64 rng(seed);
    points.reserve(std::size_t(count));
    for (int k = 0; k < count; ++k) {
        const double pick = uniformUnit(rng()) * total;
        const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), pick);
        const Triangle& t = mesh.triangles[std::min<std::size_t>(std::size_t(it - cumulative.begin()),
                                                                 mesh.triangles.size() - 1)];
        const double r1 = std::sqrt(uniformUnit(rng())), r2 = uniformUnit(rng());
        points.push_back((1 - r1) * corner(t[0]) + r1 * (1 - r2) * corner(t[1]) + r1 * r2 * corner(t[2]));
    }
    return points;
}

// Symmetric Chamfer distance (mean of the two directed mean nearest-point distances), in the
// model's normalised units; NaN when either surface is empty.
double chamferDistance(const Mesh& a, const Mesh& b, int points) {
    open3d::geometry::PointCloud pa(surfacePoints(a, points, 11)), pb(surfacePoints(b, points, 13));
    if (pa.points_.empty() || pb.points_.empty()) return std::nan("");
    auto mean = [](const std::vector<double>& d) { return std::accumulate(d.begin(), d.end(), 0.0) / double(d.size()); };
    return 0.5 * (mean(pa.ComputePointCloudDistance(pb)) + mean(pb.ComputePointCloudDistance(pa)));
}

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double pos = q * double(v.size() - 1);
    const std::size_t lo = std::size_t(std::floor(pos)), hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

nlohmann::json summary(const std::vector<double>& values) {
    std::vector<double> finite;
    std::copy_if(values.begin(), values.end(), std::back_inserter(finite), [](double x) { return std::isfinite(x); });
    if (finite.empty()) return {{"count", 0}};
    return {{"count", finite.size()},
            {"mean", std::accumulate(finite.begin(), finite.end(), 0.0) / double(finite.size())},
            {"p10", quantile(finite, 0.1)},
            {"median", quantile(finite, 0.5)},
            {"p90", quantile(finite, 0.9)},
            {"min", *std::min_element(finite.begin(), finite.end())}};
}

// Validity counts of decoded latents: of the product pipeline's meshes (decodeToMesh, specks
// removed) and, for comparison, of the raw contours.
struct Validity {
    int total = 0, watertight = 0, oneBody = 0, oneShell = 0, empty = 0, rawOneBody = 0;
    // Returns whether the product mesh is one watertight body.
    bool add(const SdfGrid& grid) {
        ++total;
        // One contour: the raw report, then the product pipeline's speck removal on it
        // (closedShapeMesh's normals do not change the report).
        Mesh mesh = closedShapeMesh(grid, ShellCleanup::KeepAll);
        if (!mesh.empty()) {
            const MeshReport raw = computeMeshReport(mesh);
            rawOneBody += raw.watertight && raw.bodies == 1;
        }
        removeSmallShells(mesh, kSpeckRelativeVolume);
        if (mesh.empty()) {
            ++empty;
            return false;
        }
        const MeshReport r = computeMeshReport(mesh);
        const bool good = r.watertight && r.bodies == 1;
        watertight += r.watertight;
        oneBody += good;
        oneShell += r.watertight && r.connectedComponents == 1;
        return good;
    }
    nlohmann::json json() const {
        auto share = [&](int n) { return total ? double(n) / double(total) : 0.0; };
        return {{"count", total},
                {"one_watertight_body", share(oneBody)},
                {"one_watertight_shell", share(oneShell)},
                {"watertight", share(watertight)},
                {"empty", share(empty)},
                {"one_watertight_body_before_speck_removal", share(rawOneBody)}};
    }
};

// Validity of midpoints, split by whether the two ends share a family (hybrids across families
// are the hard case) and by family: a pair counts for both of its ends' families, so the figure
// says which families' blends come apart.
struct MidpointTally {
    Validity validity;
    std::array<std::pair<int, int>, 2> byPair{};      // {same, cross}: {count, one watertight body}
    std::map<std::string, std::pair<int, int>> byFamily;  // family: {pairs with it, one watertight body}
    void add(const SdfGrid& grid, const std::string& familyA, const std::string& familyB) {
        const bool good = validity.add(grid);
        auto count = [&](std::pair<int, int>& tally) {
            ++tally.first;
            tally.second += good;
        };
        count(byPair[familyA == familyB ? 0 : 1]);
        count(byFamily[familyA]);
        if (familyB != familyA) count(byFamily[familyB]);
    }
    nlohmann::json json() const {
        auto share = [](const std::pair<int, int>& tally) {
            return nlohmann::json{{"count", tally.first},
                                  {"one_watertight_body", tally.first ? double(tally.second) / tally.first : 0.0}};
        };
        nlohmann::json j = validity.json();
        j["same_family"] = share(byPair[0]);
        j["cross_family"] = share(byPair[1]);
        for (const auto& [family, tally] : byFamily) j["per_family"][family] = share(tally);
        return j;
    }
};

// Two training grids averaged voxel by voxel (the same resolution and truncation).
SdfGrid averageGrid(const SdfGrid& a, const SdfGrid& b) {
    SdfGrid out = a;
    for (std::size_t i = 0; i < out.values.size(); ++i) out.values[i] = 0.5f * (a.values[i] + b.values[i]);
    return out;
}

// The families the training set was drawn from, in the order it cycles through them, so the
// held-out shapes come from the same distribution.
std::vector<std::string> datasetFamilies(const SafetensorsContents& dataset) {
    std::vector<std::string> names;
    const int count = shapeDatasetCount(dataset);
    for (int i = 0; i < count; ++i) {
        std::string name = shapeDatasetFamilyName(dataset, i);
        if (std::find(names.begin(), names.end(), name) != names.end()) break;  // cycled once
        names.push_back(std::move(name));
    }
    return names;
}

void checkOptions(const ShapeEvalOptions& o) {
    if (o.heldOutShapes < 1 || o.samples < 1 || o.midpoints < 0)
        throw Error("eval shape-vae: held-out shapes and samples must be at least 1, midpoints at least 0");
    if (!(o.psi > 0 && o.psi <= 2)) throw Error("eval shape-vae: psi must lie in (0, 2]");
    if (o.chamferPoints < 100) throw Error("eval shape-vae: at least 100 Chamfer points per surface");
    if (o.threads < 1) throw Error("eval shape-vae: threads must be at least 1");
}

}  // namespace

nlohmann::json evaluateShapeModel(const ml::ShapeModel& model, const SafetensorsContents& trainingSet,
                                  const ShapeEvalOptions& options) {
    checkOptions(options);
    auto log = [&](const std::string& line) {
        if (options.log) options.log(line);
    };
    const int trainingCount = shapeDatasetCount(trainingSet);
    const int resolution = model.gridResolution();
    const auto start = Clock::now();

    // The training set's occupancy, at its own resolution (samples are decoded at it too).
    log("reading " + std::to_string(trainingCount) + " training shapes");
    std::vector<Occupancy> training;
    training.reserve(std::size_t(trainingCount));
    int trainingResolution = 0;
    for (int i = 0; i < trainingCount; ++i) {
        const SdfGrid grid = shapeDatasetGrid(trainingSet, i);
        trainingResolution = grid.resolution;
        training.push_back(occupancyOf(grid));
    }

    // 1. Held-out reconstruction.
    ShapeDatasetOptions heldOutOptions;
    heldOutOptions.count = options.heldOutShapes;
    heldOutOptions.resolution = resolution;
    heldOutOptions.truncation = model.truncation();
    heldOutOptions.seed = options.heldOutSeed;
    heldOutOptions.threads = options.threads;
    heldOutOptions.families = datasetFamilies(trainingSet);
    log("generating " + std::to_string(options.heldOutShapes) + " held-out shapes (dataset seed " +
        std::to_string(options.heldOutSeed) + ")");
    const SafetensorsContents heldOut = makeShapeDataset(heldOutOptions);
    // Each shape's refined encode takes seconds on one torch thread: `threads` workers take every
    // threads-th shape (ShapeModel allows concurrent calls); results land in their shape's slot, so
    // the figures do not depend on the thread count.
    struct HeldOutResult {
        double iou = 0, chamfer = 0, encoderIou = 0, encoderChamfer = 0;
        Occupancy atTrainingResolution;
    };
    std::vector<HeldOutResult> heldOutResults(std::size_t(options.heldOutShapes));
    std::mutex logMutex;
    int done = 0;
    std::vector<double> runningIous(std::size_t(options.heldOutShapes), std::nan(""));
    auto reconstruct = [&](int i) {
        HeldOutResult& out = heldOutResults[std::size_t(i)];
        const SdfGrid truth = shapeDatasetGrid(heldOut, i);
        // As `encode` and the GUI do it (refined), and the encoder's one-shot guess beside it.
        ml::Latent guess;
        const ml::Latent z = model.encode(truth, options.refinement, {}, &guess);
        const SdfGrid reconstruction = model.decode(z, resolution);
        Occupancy truthOccupancy = occupancyOf(truth);
        const Mesh truthMesh = closedShapeMesh(truth);
        out.iou = iou(truthOccupancy, occupancyOf(reconstruction));
        out.chamfer = chamferDistance(truthMesh, closedShapeMesh(reconstruction), options.chamferPoints);
        if (options.refinement.steps > 0) {
            const SdfGrid oneShot = model.decode(guess, resolution);
            out.encoderIou = iou(truthOccupancy, occupancyOf(oneShot));
            out.encoderChamfer = chamferDistance(truthMesh, closedShapeMesh(oneShot), options.chamferPoints);
        }
        out.atTrainingResolution =
            trainingResolution == resolution ? std::move(truthOccupancy) : occupancyOf(model.decode(z, trainingResolution));
        std::lock_guard lock(logMutex);
        runningIous[std::size_t(i)] = out.iou;
        if (++done % 25 == 0)
            log("held-out " + std::to_string(done) + "/" + std::to_string(options.heldOutShapes) + ", IoU so far " +
                std::to_string(summary(runningIous)["mean"].get<double>()));
    };
    const int workers = std::clamp(options.threads, 1, options.heldOutShapes);
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(workers));
    auto work = [&](int first) {
        try {
            for (int i = first; i < options.heldOutShapes; i += workers) reconstruct(i);
        } catch (...) {
            failures[std::size_t(first)] = std::current_exception();
        }
    };
    {
        std::vector<std::jthread> pool;
        for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
        work(0);
    }
    for (const auto& failure : failures)
        if (failure) std::rethrow_exception(failure);

    std::vector<double> ious, chamfers, encoderIous, encoderChamfers;
    int emptyReconstructions = 0;
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> perFamily;
    std::vector<Occupancy> heldOutAtTrainingResolution;
    for (int i = 0; i < options.heldOutShapes; ++i) {
        HeldOutResult& r = heldOutResults[std::size_t(i)];
        if (options.refinement.steps > 0) {
            encoderIous.push_back(r.encoderIou);
            encoderChamfers.push_back(r.encoderChamfer);
        }
        emptyReconstructions += std::isnan(r.chamfer);
        ious.push_back(r.iou);
        chamfers.push_back(r.chamfer);
        auto& family = perFamily[shapeDatasetFamilyName(heldOut, i)];
        family.first.push_back(r.iou);
        family.second.push_back(r.chamfer);
        heldOutAtTrainingResolution.push_back(std::move(r.atTrainingResolution));
    }
    nlohmann::json families = nlohmann::json::object();
    for (const auto& [name, values] : perFamily)
        families[name] = {{"iou_mean", summary(values.first)["mean"]}, {"chamfer_mean", summary(values.second)["mean"]}};

    // 2. Random samples: validity and their occupancy for novelty.
    Validity sampleValidity;
    std::vector<Occupancy> sampleOccupancy;
    for (int k = 0; k < options.samples; ++k) {
        const ml::Latent z = ml::seededLatent(model, options.sampleSeed + std::uint64_t(k), options.psi);
        const SdfGrid grid = model.decode(z, resolution);
        sampleOccupancy.push_back(trainingResolution == resolution ? occupancyOf(grid)
                                                                   : occupancyOf(model.decode(z, trainingResolution)));
        sampleValidity.add(grid);
        if ((k + 1) % 50 == 0) log("samples " + std::to_string(k + 1) + "/" + std::to_string(options.samples));
    }

    // 3. Interpolation midpoints between random training shapes (encoded, slerp at t = 0.5, the
    // interpolation panel's default path; lerp, its other path, beside it). Beside them, the same
    // pairs' training grids averaged voxel by voxel: what a decoder that blends like the data
    // would give (thin walls that do not overlap fade out).
    MidpointTally midpoints, linearMidpoints, averaged;
    std::mt19937_64 pairs(options.pairSeed);
    for (int k = 0; k < options.midpoints && trainingCount >= 2; ++k) {
        const int a = int(uniformUnit(pairs()) * trainingCount);
        int b = int(uniformUnit(pairs()) * (trainingCount - 1));
        if (b >= a) ++b;
        const SdfGrid ga = shapeDatasetGrid(trainingSet, a), gb = shapeDatasetGrid(trainingSet, b);
        const std::string familyA = shapeDatasetFamilyName(trainingSet, a);
        const std::string familyB = shapeDatasetFamilyName(trainingSet, b);
        const ml::Latent za = model.encode(ga), zb = model.encode(gb);
        midpoints.add(model.decode(ml::slerp(za, zb, 0.5), resolution), familyA, familyB);
        linearMidpoints.add(model.decode(ml::lerp(za, zb, 0.5), resolution), familyA, familyB);
        averaged.add(averageGrid(ga, gb), familyA, familyB);
        if ((k + 1) % 50 == 0) log("midpoints " + std::to_string(k + 1) + "/" + std::to_string(options.midpoints));
    }

    // 4. Novelty against the training set.
    log("nearest training neighbours");
    const std::vector<double> sampleNearest = nearestDistances(sampleOccupancy, training);
    const std::vector<double> heldOutNearest = nearestDistances(heldOutAtTrainingResolution, training);
    const double heldOutP5 = quantile(heldOutNearest, 0.05);
    const double closer = double(std::count_if(sampleNearest.begin(), sampleNearest.end(),
                                               [&](double d) { return d < heldOutP5; })) /
                          double(sampleNearest.size());

    nlohmann::json result;
    result["held_out"] = {{"shapes", options.heldOutShapes},
                          {"dataset_seed", options.heldOutSeed},
                          {"resolution", resolution},
                          {"iou", summary(ious)},
                          {"chamfer", summary(chamfers)},
                          {"empty_reconstructions", emptyReconstructions},
                          {"chamfer_units", "normalised ([-1,1] cube; shapes span 1.8)"},
                          {"per_family", families},
                          {"refinement", {{"steps", options.refinement.steps},
                                          {"learning_rate", options.refinement.learningRate}}}};
    if (!encoderIous.empty()) {
        result["held_out"]["encoder_only"] = {{"iou", summary(encoderIous)}, {"chamfer", summary(encoderChamfers)}};
    }
    result["samples"] = sampleValidity.json();
    result["samples"]["psi"] = options.psi;
    result["samples"]["first_seed"] = options.sampleSeed;
    result["midpoints"] = midpoints.json();
    result["midpoints"]["interpolation"] = "slerp t=0.5 between encoded training shapes";
    result["midpoints"]["linear"] = linearMidpoints.json();
    result["midpoints"]["linear"]["interpolation"] = "lerp t=0.5 between the same encoded training shapes";
    result["midpoints"]["training_grid_average"] = averaged.json();
    result["midpoints"]["training_grid_average"]["blend"] =
        "the same pairs' training SDF grids averaged voxel by voxel at their own resolution";
    result["novelty"] = {{"distance", "1 - IoU to the nearest of the " + std::to_string(trainingCount) + " training shapes"},
                         {"samples", summary(sampleNearest)},
                         {"held_out", summary(heldOutNearest)},
                         {"samples_closer_than_held_out_p5", closer}};
    result["seconds"] = secondsSince(start);
    return result;
}

StoredShapeQuality storedShapeQuality(const nlohmann::json& metrics)
{
    StoredShapeQuality q;
    q.heldOutIou = metricAt(metrics, "/evaluation/held_out/iou/mean");
    q.samplesOneBody = metricAt(metrics, "/evaluation/samples/one_watertight_body");
    q.midpointsOneBody = metricAt(metrics, "/evaluation/midpoints/one_watertight_body");
    q.crossFamilyMidpointsOneBody = metricAt(metrics, "/evaluation/midpoints/cross_family/one_watertight_body");
    return q;
}

}  // namespace lf
