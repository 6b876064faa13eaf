// The process what-if commands of latentforge-cli, run as a user would: train a tiny model,
// generate what-if images and a sweep sheet (PNG + metadata), evaluate, and the error paths.
#include "core/formats/PngImage.h"
#include "core/formats/Safetensors.h"
#include "core/process/ProcessSimulator.h"
#include "tests/common/CliRunner.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

namespace {

using Result = lf::test::CliResult;

Result runCli(const QStringList& args) {
    return lf::test::runCli(args, 300000, lf::test::singleThreadTorchEnvironment());
}

// A file that cannot be read gives null, which the comparisons then fail on.
nlohmann::json readJson(const QString& file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return nlohmann::json::parse(f.readAll().toStdString());
}

}  // namespace

class TestWhatIfCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString model_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        model_ = dir_.filePath("tiny");
        const Result r = runCli({"train", "process-diffusion", "--out", model_, "--count", "8", "--epochs", "2",
                                 "--lr-decay-epochs", "1", "--batch", "4", "--image-size", "32", "--base-channels", "8", "--multipliers", "1,2", "--threads", "1",
                                 "--seed", "3", "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("trained process diffusion"));
        QVERIFY(QFileInfo::exists(model_ + "/model.json"));
    }

    void trainRecordsAndChecksTheLearningRateDecay() {
        const auto json = readJson(model_ + "/model.json");
        QCOMPARE(json["training_hyperparameters"]["lr_decay_epochs"].get<int>(), 1);
        const Result r = runCli({"train", "process-diffusion", "--out", dir_.filePath("bad-decay"), "--count", "8",
                                 "--epochs", "2", "--lr-decay-epochs", "3", "--image-size", "32", "--quiet"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("--lr-decay-epochs must be in 0..2"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir_.filePath("bad-decay/model.json")));
    }

    void trainsFromARenderedImageFile() {
        // Rendered once to a file, then trained on: the same model as rendering in the trainer
        // (same weights), and the package names the simulator revision that drew the images.
        const QString images = dir_.filePath("images.safetensors");
        Result r = runCli({"generate-process-images", "--count", "8", "--size", "32", "--seed", "4", "--threads", "1",
                           "--out", images, "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("wrote 8 images at 32x32 (simulator revision " +
                                QString::number(lf::process::kSimulatorRevision) + ")"),
                 qPrintable(r.out));
        const QStringList tiny{"--epochs", "1", "--batch", "4", "--image-size", "32", "--base-channels", "8",
                               "--multipliers", "1,2", "--threads", "1", "--seed", "3", "--quiet"};
        r = runCli(QStringList{"train", "process-diffusion", "--data", images, "--out", dir_.filePath("from-file")} + tiny);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli(QStringList{"train", "process-diffusion", "--count", "8", "--data-seed", "4", "--out",
                               dir_.filePath("rendered")} + tiny);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto fromFile = readJson(dir_.filePath("from-file/model.json"));
        const auto rendered = readJson(dir_.filePath("rendered/model.json"));
        QCOMPARE(fromFile["weights"]["sha256"], rendered["weights"]["sha256"]);
        const std::string revision = "simulator revision " + std::to_string(lf::process::kSimulatorRevision) + ", ";
        const auto data = fromFile["training"]["data"].get<std::string>();
        QVERIFY2(data.starts_with(revision + "images.safetensors, 8 images"), data.c_str());
        QVERIFY(rendered["training"]["data"].get<std::string>().starts_with(revision + "8 images, data seed 4"));
        QVERIFY(fromFile["training"]["command_line"].get<std::string>().find("--data ") != std::string::npos);
        QCOMPARE(fromFile["simulator_revision"].get<int>(), lf::process::kSimulatorRevision);

        // A file from before revisions were recorded trains, and its package says so.
        auto contents = lf::readSafetensors(images.toStdString());
        contents.metadata.erase("simulator_revision");
        const QString older = dir_.filePath("older.safetensors");
        lf::writeSafetensors(older.toStdString(), contents);
        r = runCli(QStringList{"train", "process-diffusion", "--data", older, "--out", dir_.filePath("older")} + tiny);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto olderManifest = readJson(dir_.filePath("older/model.json"));
        QVERIFY(olderManifest["training"]["data"].get<std::string>().starts_with("simulator revision unknown, older.safetensors"));
        QVERIFY(olderManifest["simulator_revision"].is_null());
        // So does a file whose revision is not one (a package saying -1 would not load).
        contents.metadata["simulator_revision"] = "-1";
        const QString odd = dir_.filePath("odd.safetensors");
        lf::writeSafetensors(odd.toStdString(), contents);
        r = runCli(QStringList{"train", "process-diffusion", "--data", odd, "--out", dir_.filePath("odd")} + tiny);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(readJson(dir_.filePath("odd/model.json"))["simulator_revision"].is_null());
        QCOMPARE(runCli({"whatif", "--model", dir_.filePath("odd"), "--steps", "2", "--out-dir", dir_.filePath("odd-out")}).exitCode, 0);
        // Its evaluation runs, and says (even with --quiet) that it measures against another renderer.
        r = runCli({"eval", "process-diffusion", "--model", dir_.filePath("older"), "--grid", "3", "--seeds-per-point", "1",
                    "--steps", "2", "--ddpm-points", "0", "--no-write", "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("warning: the model was trained on images of an unknown simulator revision"), qPrintable(r.err));
    }

    void processImageFilesRefuseBadInput() {
        // A folder that is not there fails before rendering, and writes nothing.
        Result r = runCli({"generate-process-images", "--count", "4", "--size", "32", "--out",
                           dir_.filePath("gone/images.safetensors")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("gone") && r.err.contains("does not exist"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir_.filePath("gone")));
        r = runCli({"generate-process-images", "--count", "0", "--out", dir_.filePath("none.safetensors")});
        QVERIFY(r.exitCode != 0);
        QVERIFY(!QFileInfo::exists(dir_.filePath("none.safetensors")));
        // Images of another size than the model's, and a file that is not a dataset: clear errors.
        const QString small = dir_.filePath("small.safetensors");
        QCOMPARE(runCli({"generate-process-images", "--count", "2", "--size", "16", "--threads", "1", "--out", small,
                         "--quiet"}).exitCode, 0);
        r = runCli({"train", "process-diffusion", "--data", small, "--out", dir_.filePath("wrong-size"), "--image-size",
                    "32", "--quiet"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("must be U8 [N,32,32,3]"), qPrintable(r.err));
        r = runCli({"train", "process-diffusion", "--data", model_ + "/weights.safetensors", "--out",
                    dir_.filePath("not-data"), "--image-size", "32", "--quiet"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("not a process dataset"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir_.filePath("wrong-size/model.json")));
        QVERIFY(!QFileInfo::exists(dir_.filePath("not-data/model.json")));
    }

    void whatifWritesPngsWithMetadata() {
        const QString out = dir_.filePath("whatif");
        const Result r = runCli({"whatif", "--model", model_, "--param", "melt_temperature=320", "--param",
                                 "cooling_time=10", "--seeds", "1-2", "--steps", "3", "--guidance", "2", "--out-dir", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // Out of range: warned on stderr with the distance in normalised units, listed in the JSON.
        QVERIFY2(r.err.contains("warning") && r.err.contains("melt temperature") && r.err.contains("0.4"), qPrintable(r.err));
        const auto summary = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(summary["images"].size(), std::size_t(2));
        QCOMPARE(summary["out_of_range"].size(), std::size_t(1));
        QVERIFY(std::abs(summary["out_of_range"][0]["excess_normalised"].get<double>() - 0.4) < 1e-9);
        const auto png = lf::readPng(summary["images"][1]["file"].get<std::string>());
        QCOMPARE(png.image.width, 32);
        const auto meta = nlohmann::json::parse(png.text.at(lf::kPngMetadataKey));
        QCOMPARE(meta["seed"].get<int>(), 2);
        QCOMPARE(meta["steps"].get<int>(), 3);
        QCOMPARE(meta["parameters"]["melt_temperature"]["value"].get<double>(), 320.0);
        QCOMPARE(meta["parameters"]["cooling_time"]["value"].get<double>(), 10.0);
        QCOMPARE(meta["model_id"].get<std::string>(), std::string("tiny"));
        QCOMPARE(meta["weights_sha256"].get<std::string>().size(), std::size_t(64));
        // Same seed, same request: the same pixels.
        const QString again = dir_.filePath("whatif2");
        QCOMPARE(runCli({"whatif", "--model", model_, "--param", "melt_temperature=320", "--param", "cooling_time=10",
                         "--seeds", "2", "--steps", "3", "--out-dir", again}).exitCode, 0);
        QVERIFY(lf::readPng((again + "/whatif_seed2.png").toStdString()).image.pixels == png.image.pixels);
    }

    void whatifWritesEachImageAsItFinishes() {
        // seed 2's file name is taken by a folder: seed 1, finished first, is on disk and stays,
        // the error names the file that could not be written, and nothing is reported as done.
        const QString out = dir_.filePath("whatif-blocked");
        QVERIFY(QDir().mkpath(out + "/whatif_seed2.png"));
        const Result r = runCli({"whatif", "--model", model_, "--seeds", "1-3", "--steps", "2", "--out-dir", out});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("whatif: wrote " + out + "/whatif_seed1.png (1/3)"), qPrintable(r.err));
        QVERIFY2(r.err.contains("whatif_seed2.png"), qPrintable(r.err));
        QVERIFY(!r.err.contains("(2/3)"));
        QVERIFY(r.out.trimmed().isEmpty());
        const auto first = lf::readPng((out + "/whatif_seed1.png").toStdString());
        QCOMPARE(nlohmann::json::parse(first.text.at(lf::kPngMetadataKey))["seed"].get<int>(), 1);
        QVERIFY(!QFileInfo::exists(out + "/whatif_seed3.png"));
    }

    void whatifRefusesBadInput() {
        const QString out = dir_.filePath("bad");
        Result r = runCli({"whatif", "--model", model_, "--param", "melt=250", "--out-dir", out});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("melt_temperature"), qPrintable(r.err));  // lists the known names
        r = runCli({"whatif", "--model", model_, "--seeds", "4-2", "--out-dir", out});
        QVERIFY(r.exitCode != 0 && r.err.contains("descending"));
        r = runCli({"whatif", "--model", dir_.filePath("nope"), "--out-dir", out});
        QVERIFY(r.exitCode != 0 && r.err.contains("nope"));
        r = runCli({"whatif", "--model", model_, "--param", "injection_pressure=200", "--require-in-range", "--out-dir", out});
        QVERIFY(r.exitCode != 0 && r.err.contains("injection pressure"));
    }

    void sweepWritesALabelledSheet() {
        const QString out = dir_.filePath("sheet.png");
        const Result r = runCli({"sweep", "--model", model_, "--x", "melt_temperature=200:300:3", "--y",
                                 "injection_speed=20:200:2", "--steps", "2", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto png = lf::readPng(out.toStdString());
        QVERIFY(png.image.width > 3 * 64 && png.image.height > 2 * 64);  // cells at 2x
        const auto meta = nlohmann::json::parse(png.text.at(lf::kPngMetadataKey));
        QCOMPARE(meta["sweep"]["x"]["parameter"].get<std::string>(), std::string("melt_temperature"));
        QCOMPARE(meta["sweep"]["x"]["values"].size(), std::size_t(3));
        QCOMPARE(meta["sweep"]["y"]["values"][1].get<double>(), 200.0);
        const Result bad = runCli({"sweep", "--model", model_, "--x", "melt_temperature=200:300", "--y",
                                   "injection_speed=20:200:2", "--out", out});
        QVERIFY(bad.exitCode != 0 && bad.err.contains("lo:hi:n"));
    }

    void evalStoresMetricsInTheManifest() {
        const QString points = dir_.filePath("points.csv");
        const Result r = runCli({"eval", "process-diffusion", "--model", model_, "--grid", "3", "--seeds-per-point", "1",
                                 "--steps", "2", "--guidance", "1.25", "--ddpm-points", "0", "--points-csv", points, "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("(2 steps, guidance 1.25, eta 0) as the package's defaults"), qPrintable(r.err));
        QVERIFY2(!r.err.contains("warning"), qPrintable(r.err));  // trained on this build's simulator
        const auto metrics = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(metrics["same_seed_reproducible"].get<bool>());
        QCOMPARE(metrics["simulator_revision"].get<int>(), lf::process::kSimulatorRevision);  // measured against
        // Each rho comes with its bootstrap interval, which holds it.
        for (const auto& [name, entry] : metrics["spearman_severity_vs_measured"].items()) {
            const auto& interval = entry["simulator_interval95"];
            QVERIFY2(interval.is_array() && interval.size() == 2, name.c_str());
            QVERIFY2(interval[0].get<double>() <= entry["simulator"].get<double>() + 1e-12 &&
                         entry["simulator"].get<double>() <= interval[1].get<double>() + 1e-12, name.c_str());
        }
        // The per-point table: a header, then the 3 grid points and the 4 held-out ones.
        QFile csv(points);
        QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList rows = QString::fromUtf8(csv.readAll()).split(QChar('\n'), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 1 + 3 + 4);
        QVERIFY(rows[0].startsWith("point,held_out,melt_temperature,"));
        QVERIFY(rows[0].contains("flash_severity,flash_generated,flash_simulator"));
        QCOMPARE(rows[1].split(QChar(',')).size(), rows[0].split(QChar(',')).size());
        QVERIFY(rows[1].startsWith("0,0,") && rows[7].startsWith("6,1,"));
        const auto manifest = readJson(model_ + "/model.json");
        QVERIFY(manifest["metrics"]["evaluation"].contains("held_out_mae"));
        QVERIFY(manifest["metrics"].contains("train_loss_last_epoch"));
        // A CSV path in a missing folder fails before any sampling: the stored metrics stay (another
        // grid seed would have changed them had the eval run).
        const Result bad = runCli({"eval", "process-diffusion", "--model", model_, "--grid", "3", "--steps", "2", "--seed", "99",
                                   "--points-csv", dir_.filePath("no-such-folder/points.csv"), "--quiet"});
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains("no-such-folder") && bad.err.contains("does not exist"), qPrintable(bad.err));
        // (read afresh: the manifest is replaced by rename when written)
        QCOMPARE(readJson(model_ + "/model.json")["metrics"]["evaluation"], manifest["metrics"]["evaluation"]);
        // The settings the metrics were measured at become the package's sampling defaults.
        QCOMPARE(manifest["metrics"]["evaluation"]["sampling"]["guidance"].get<double>(), 1.25);
        QCOMPARE(manifest["sampling_defaults"]["steps"].get<int>(), 2);
        QCOMPARE(manifest["sampling_defaults"]["guidance"].get<double>(), 1.25);
        QCOMPARE(manifest["sampling_defaults"]["eta"].get<double>(), 0.0);
    }

    // Runs after the eval above stored steps 2, guidance 1.25 as the package's defaults.
    void whatifAndSweepStartFromTheModelsSamplingDefaults() {
        const auto metadataOf = [](const Result& r) {
            return nlohmann::json::parse(r.out.toStdString());
        };
        Result r = runCli({"whatif", "--model", model_, "--out-dir", dir_.filePath("defaults")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(metadataOf(r)["steps"].get<int>(), 2);
        QCOMPARE(metadataOf(r)["guidance"].get<double>(), 1.25);
        // A flag given overrides its default only.
        r = runCli({"whatif", "--model", model_, "--guidance", "3", "--out-dir", dir_.filePath("override")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(metadataOf(r)["steps"].get<int>(), 2);
        QCOMPARE(metadataOf(r)["guidance"].get<double>(), 3.0);
        const QString sheet = dir_.filePath("defaults.png");
        r = runCli({"sweep", "--model", model_, "--x", "melt_temperature=200:300:2", "--y", "injection_speed=20:200:2",
                    "--eta", "0.5", "--out", sheet});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto sweep = nlohmann::json::parse(lf::readPng(sheet.toStdString()).text.at(lf::kPngMetadataKey));
        QCOMPARE(sweep["steps"].get<int>(), 2);
        QCOMPARE(sweep["guidance"].get<double>(), 1.25);
        QCOMPARE(sweep["eta"].get<double>(), 0.5);
    }
};

QTEST_GUILESS_MAIN(TestWhatIfCli)
#include "tst_whatifcli.moc"
