// The process simulator's data side: parameters and their ranges, the defect model, the
// renderer, the image-only effect measures (validated by rank correlation against the model's
// severities) and the safetensors dataset.
#include "core/formats/Safetensors.h"
#include "core/process/DefectModel.h"
#include "core/process/EffectMeasures.h"
#include "core/process/ProcessDataset.h"
#include "core/process/ProcessParameters.h"
#include "core/process/ProcessSimulator.h"
#include "core/util/Error.h"
#include "core/util/RankCorrelation.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>
#include <limits>

using namespace lf::process;

namespace {

std::array<double, kParameterCount> gridPoint(int index, int levels)
{
    std::array<double, kParameterCount> u{};
    for (std::size_t i = 0; i < kParameterCount; ++i) {
        u[i] = -1.0 + 2.0 * (index % levels) / (levels - 1);
        index /= levels;
    }
    return u;
}

}  // namespace

class TestProcessSimulator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void spearmanKnownValues()
    {
        QCOMPARE(lf::spearmanCorrelation({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
        QCOMPARE(lf::spearmanCorrelation({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
        // Monotone but not linear still scores 1.
        QCOMPARE(lf::spearmanCorrelation({1, 2, 3, 4, 5}, {1, 8, 27, 64, 125}), 1.0);
        // Ties get average ranks: x ranks 1.5 1.5 3 4, y ranks 1 2 3 4.
        const double rho = lf::spearmanCorrelation({1, 1, 2, 3}, {1, 2, 3, 4});
        QVERIFY(std::abs(rho - 0.9486832980505138) < 1e-12);
        const auto ranks = lf::averageRanks({3.0, 1.0, 3.0, 2.0});
        QCOMPARE(ranks, (std::vector<double>{3.5, 1.0, 3.5, 2.0}));
    }

    void spearmanBootstrapIntervalCoversTheTruth()
    {
        std::vector<double> line(50), cube(50);
        for (int i = 0; i < 50; ++i) line[std::size_t(i)] = i, cube[std::size_t(i)] = double(i) * i * i;
        const auto exact = lf::spearmanBootstrapInterval(line, cube);
        QCOMPARE(exact.low, 1.0);
        QCOMPARE(exact.high, 1.0);
        // y = x + noise: the population rho from a large sample, then 95 % intervals from 80
        // samples of 120 pairs (the eval's grid size) must cover it about 95 % of the time.
        std::mt19937_64 random(5);
        std::normal_distribution<double> normal;
        auto draw = [&](std::size_t n, std::vector<double>& x, std::vector<double>& y) {
            x.resize(n);
            y.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                x[i] = normal(random);
                y[i] = x[i] + 0.45 * normal(random);
            }
        };
        std::vector<double> x, y;
        draw(100000, x, y);
        const double truth = lf::spearmanCorrelation(x, y);
        QVERIFY(truth > 0.85 && truth < 0.95);
        int covered = 0;
        double width = 0;
        for (int k = 0; k < 80; ++k) {
            draw(120, x, y);
            const auto interval = lf::spearmanBootstrapInterval(x, y, 0.95, 400, std::uint64_t(k));
            const double rho = lf::spearmanCorrelation(x, y);
            QVERIFY(interval.low <= rho && rho <= interval.high);
            covered += interval.low <= truth && truth <= interval.high;
            width += (interval.high - interval.low) / 80;
        }
        QVERIFY2(covered >= 68, qPrintable(QString("covered %1 of 80").arg(covered)));  // 95 % nominal
        QVERIFY2(width > 0.02 && width < 0.15, qPrintable(QString::number(width)));
        // Seeded: the same data give the same interval.
        const auto a = lf::spearmanBootstrapInterval(x, y, 0.95, 200, 3), b = lf::spearmanBootstrapInterval(x, y, 0.95, 200, 3);
        QCOMPARE(a.low, b.low);
        QCOMPARE(a.high, b.high);
        QVERIFY_THROWS_EXCEPTION(lf::Error, lf::spearmanBootstrapInterval(x, y, 1.5));
        QVERIFY_THROWS_EXCEPTION(lf::Error, lf::spearmanBootstrapInterval({1, 1, 1}, {1, 2, 3}));
    }

    void spearmanRejectsBadInput()
    {
        QVERIFY_THROWS_EXCEPTION(lf::Error, lf::spearmanCorrelation({1, 2}, {1, 2, 3}));
        QVERIFY_THROWS_EXCEPTION(lf::Error, lf::spearmanCorrelation({1}, {1}));
        QVERIFY_THROWS_EXCEPTION(lf::Error, lf::spearmanCorrelation({1, 1, 1}, {1, 2, 3}));
        QVERIFY_THROWS_EXCEPTION(lf::Error,
                                 lf::spearmanCorrelation({1, std::nan(""), 3}, {1, 2, 3}));
    }

    void normalisationRoundTrips()
    {
        for (const auto& spec : parameterSpecs()) {
            QCOMPARE(normalise(spec.parameter, spec.minimum), -1.0);
            QCOMPARE(normalise(spec.parameter, spec.maximum), 1.0);
            QVERIFY(std::abs(denormalise(spec.parameter, normalise(spec.parameter, spec.nominal)) -
                             spec.nominal) < 1e-9);
            QCOMPARE(parameterFromName(spec.name), spec.parameter);
        }
        const ProcessParameters p = ProcessParameters::nominal();
        const ProcessParameters back = denormalise(normalise(p));
        for (std::size_t i = 0; i < kParameterCount; ++i)
            QVERIFY(std::abs(back.toArray()[i] - p.toArray()[i]) < 1e-9);
        QVERIFY_THROWS_EXCEPTION(lf::Error, parameterFromName("barrel_colour"));
    }

    void outOfRangeSaysWhichAndHowFar()
    {
        ProcessParameters p = ProcessParameters::nominal();
        QVERIFY(findOutOfRange(p).empty());
        p.meltTemperatureC = 320.0;  // 20 C above a 100 C wide range: 0.4 normalised units
        p.coolingTimeS = 1.5;        // 3.5 s below a 35 s wide range: 0.2 units
        const auto violations = findOutOfRange(p);
        QCOMPARE(violations.size(), std::size_t(2));
        QCOMPARE(violations[0].parameter, ProcessParameter::MeltTemperature);
        QVERIFY(violations[0].above);
        QVERIFY(std::abs(violations[0].excess - 0.4) < 1e-9);
        QCOMPARE(violations[1].parameter, ProcessParameter::CoolingTime);
        QVERIFY(!violations[1].above);
        QVERIFY(std::abs(violations[1].excess - 0.2) < 1e-9);
        QVERIFY(violations[0].describe().find("melt temperature") != std::string::npos);
        QVERIFY(violations[0].describe().find("0.40") != std::string::npos);
        // A tolerance lets small excursions pass.
        QCOMPARE(findOutOfRange(p, 0.3).size(), std::size_t(1));
        try {
            requireInRange(p);
            QFAIL("requireInRange accepted out-of-range parameters");
        } catch (const lf::Error& e) {
            const std::string message = e.what();
            QVERIFY(message.find("melt temperature") != std::string::npos);
            QVERIFY(message.find("cooling time") != std::string::npos);
        }
        p = ProcessParameters::nominal();
        p.injectionSpeedMmS = std::numeric_limits<double>::quiet_NaN();
        const auto nan = findOutOfRange(p);
        QCOMPARE(nan.size(), std::size_t(1));
        QVERIFY(std::isinf(nan[0].excess));
        requireInRange(ProcessParameters::nominal());  // must not throw
    }

    void severitiesAreMonotoneInTheirDrivers()
    {
        for (const auto& info : effectInfos()) {
            for (std::size_t k = 0; k < kParameterCount; ++k) {
                for (int base = 0; base < 20; ++base) {
                    std::array<double, kParameterCount> u{};
                    for (std::size_t i = 0; i < kParameterCount; ++i)
                        u[i] = 2.0 * uniformFromSeed(base, i) - 1.0;
                    double previous = -1.0;
                    for (int step = 0; step <= 20; ++step) {
                        u[k] = -1.0 + 0.1 * step;
                        const double s = computeSeverity(info.effect, denormalise(u));
                        QVERIFY(s >= 0.0 && s <= 1.0);
                        if (step > 0) {
                            const double change = (s - previous) * (info.direction[k] ? info.direction[k] : 1);
                            if (info.direction[k] == 0)
                                QVERIFY2(std::abs(s - previous) < 1e-12, info.name.data());
                            else
                                QVERIFY2(change > 0.0, (std::string(info.name) + " not monotone in " +
                                                        std::string(parameterSpecs()[k].name)).c_str());
                        }
                        previous = s;
                    }
                }
            }
        }
    }

    void severitiesSpanTheirRangeOverTheTrainingBox()
    {
        // Every effect is nearly absent somewhere and strong somewhere in the training box.
        for (const auto& info : effectInfos()) {
            double lo = 1.0, hi = 0.0;
            for (int g = 0; g < 243; ++g) {
                const double s = computeSeverity(info.effect, denormalise(gridPoint(g, 3)));
                lo = std::min(lo, s), hi = std::max(hi, s);
            }
            QVERIFY2(lo < 0.1 && hi > 0.85, info.name.data());
        }
    }

    void renderingIsDeterministicPerSeed()
    {
        const ProcessParameters p = ProcessParameters::nominal();
        const ImageF a = simulateProcess(p, 42), b = simulateProcess(p, 42), c = simulateProcess(p, 43);
        QCOMPARE(a.width, 64);
        QCOMPARE(a.height, 64);
        QCOMPARE(a.pixels.size(), std::size_t(64 * 64 * 3));
        QVERIFY(a.pixels == b.pixels);
        double difference = 0.0;
        for (std::size_t i = 0; i < a.pixels.size(); ++i)
            difference += std::abs(a.pixels[i] - c.pixels[i]);
        QVERIFY(difference / a.pixels.size() > 0.01);  // nuisance changes the picture
        // The same nuisance with other parameters changes it too.
        ProcessParameters hot = p;
        hot.meltTemperatureC = 295.0;
        const ImageF d = simulateProcess(hot, 42);
        QVERIFY(d.pixels != a.pixels);
    }

    void imagesAreValidAtAnySize()
    {
        for (auto [w, h] : {std::pair{64, 64}, {96, 48}, {128, 128}, {16, 16}}) {
            const ImageF image = simulateProcess(denormalise(gridPoint(17, 3)), 7, {w, h});
            QCOMPARE(image.pixels.size(), std::size_t(w) * h * 3);
            for (float v : image.pixels)
                QVERIFY(std::isfinite(v) && v >= 0.0f && v <= 1.0f);
            const ImageU8 bytes = toUint8(image);
            QCOMPARE(bytes.pixels.size(), image.pixels.size());
        }
        QVERIFY_THROWS_EXCEPTION(lf::Error, simulateProcess(ProcessParameters::nominal(), 1, {4, 64}));
        DefectSeverities bad;
        bad.values.fill(0.0);
        bad.values[0] = 1.5;
        QVERIFY_THROWS_EXCEPTION(lf::Error, renderSeverities(bad, canonicalNuisance()));
    }

    void measuresCorrelateWithSeverities_data()
    {
        QTest::addColumn<int>("effect");
        for (const auto& info : effectInfos())
            QTest::newRow(info.name.data()) << int(info.effect);
    }

    void measuresCorrelateWithSeverities()
    {
        // Full-factorial grid over all five parameters (4 levels: 1024 runs), a fresh nuisance
        // seed per run, so every other effect and the nuisance interfere with each measure.
        QFETCH(int, effect);
        static std::vector<DefectSeverities> severities;
        static std::vector<EffectMeasurements> measurements;
        if (severities.empty()) {
            for (int g = 0; g < 1024; ++g) {
                const ProcessParameters p = denormalise(gridPoint(g, 4));
                severities.push_back(computeSeverities(p));
                measurements.push_back(measureEffects(simulateProcess(p, 1000 + g)));
            }
        }
        std::vector<double> s, m;
        for (std::size_t i = 0; i < severities.size(); ++i) {
            s.push_back(severities[i].values[effect]);
            m.push_back(measurements[i].values[effect]);
        }
        const double rho = lf::spearmanCorrelation(s, m);
        qInfo("%s: Spearman %.3f", effectInfos()[effect].name.data(), rho);
        // The target is 0.9 for every effect, with every other effect and the nuisance in play.
        QVERIFY2(rho >= 0.9, (std::string(effectInfos()[effect].name) + " Spearman " +
                              std::to_string(rho)).c_str());
    }

    void measuresRejectImagesWithoutPart()
    {
        ImageF tray{64, 64, std::vector<float>(64 * 64 * 3)};
        for (std::size_t i = 0; i < tray.pixels.size(); i += 3) {
            tray.pixels[i] = 0.1f, tray.pixels[i + 1] = 0.15f, tray.pixels[i + 2] = 0.3f;
        }
        QVERIFY_THROWS_EXCEPTION(lf::Error, measureEffects(tray));
        ImageF broken{64, 64, std::vector<float>(10)};
        QVERIFY_THROWS_EXCEPTION(lf::Error, measureEffects(broken));
    }

    void datasetRoundTripsThroughSafetensors()
    {
        QTemporaryDir dir;
        const std::filesystem::path file = dir.filePath("process.safetensors").toStdString();
        ProcessDatasetOptions options;
        options.count = 12;
        options.width = 32;
        options.height = 24;
        options.seed = 5;
        writeProcessDataset(file, options);
        const lf::SafetensorsContents contents = lf::readSafetensors(file);
        QCOMPARE(contents.metadata.at("format"), std::string("latentforge-process-dataset"));
        // The file says which renderer drew it.
        QCOMPARE(contents.metadata.at("simulator_revision"), std::to_string(lf::process::kSimulatorRevision));
        const auto& images = contents.at("images");
        QCOMPARE(images.shape, (std::vector<std::int64_t>{12, 24, 32, 3}));
        QCOMPARE(contents.at("params").shape, (std::vector<std::int64_t>{12, 5}));
        QCOMPARE(contents.at("severities").shape, (std::vector<std::int64_t>{12, 8}));
        // Sample 3 regenerates alone from (dataset seed, index).
        const ProcessParameters p = processSampleParameters(5, 3);
        const ImageU8 again = toUint8(simulateProcess(p, processSampleSeed(5, 3), {32, 24}));
        QVERIFY(std::memcmp(images.data.data() + 3 * 32 * 24 * 3, again.pixels.data(),
                            again.pixels.size()) == 0);
        float normalised[5];
        std::memcpy(normalised, contents.at("params_normalised").data.data() + 3 * 5 * 4, sizeof normalised);
        for (int k = 0; k < 5; ++k)
            QVERIFY(std::abs(normalised[k] - normalise(p)[k]) < 1e-6 && std::abs(normalised[k]) <= 1.0f);
        // Threads do not change the result.
        options.threads = 1;
        const auto single = makeProcessDataset(options);
        QVERIFY(single.at("images").data == images.data);
    }

    void datasetRejectsBadOptions()
    {
        ProcessDatasetOptions options;
        options.count = 0;
        QVERIFY_THROWS_EXCEPTION(lf::Error, makeProcessDataset(options));
        options.count = 2;
        options.width = 3;
        QVERIFY_THROWS_EXCEPTION(lf::Error, makeProcessDataset(options));
        // A missing target directory fails cleanly.
        options.width = 16;
        QVERIFY_THROWS_EXCEPTION(lf::Error, writeProcessDataset("/nonexistent-dir/x.safetensors", options));
    }
};

QTEST_GUILESS_MAIN(TestProcessSimulator)
#include "tst_processsimulator.moc"
