// WhatIfPanel: generate into the gallery without freezing the event loop, cancel, range
// warnings, PNG metadata, the sweep's contact sheet, and the MainWindow hook.
#include "TinyProcessModel.h"

#include "core/formats/PngImage.h"
#include "core/model/ModelManifest.h"
#include "core/process/ProcessSimulator.h"
#include "tests/common/EditedManifest.h"
#include "ui/MainWindow.h"
#include "ui/Preferences.h"
#include "ui/panels/WhatIfPanel.h"

#include <QAction>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>

using namespace lf;
using namespace lf::ui;
using process::ProcessParameter;

class TestWhatIfPanel : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString package_;

    // A shown panel with the tiny model loaded.
    // A copy of the tiny package named `name`, its manifest changed by `edit`.
    std::filesystem::path editedCopy(const QString& name, const std::function<void(nlohmann::json&)>& edit) {
        const auto copy = std::filesystem::path(dir_.filePath(QStringLiteral("models/") + name).toStdString());
        lf::test::writeEditedManifest(package_.toStdString(), edit, copy);
        return copy;
    }

    // A shown panel with `package` (default: the tiny one) loaded; null when it did not load.
    std::unique_ptr<WhatIfPanel> makePanel(const QString& package = {}) {
        auto panel = std::make_unique<WhatIfPanel>(nullptr, nullptr);
        panel->resize(560, 980);
        panel->show();
        QSignalSpy loaded(panel->worker(), &ProcessSampleWorker::modelLoaded);
        panel->loadModel(package.isEmpty() ? package_ : package, QStringLiteral("cpu"));
        if (!loaded.wait(60000)) return nullptr;
        return panel;
    }

    // Until the request Generate started has delivered its result (Cancel is off again).
    static bool waitForResult(WhatIfPanel& panel) {
        return QTest::qWaitFor([&] { return !panel.cancelButton()->isEnabled(); }, 60000);
    }

    void screenshot(QWidget& widget, const char* name) {
        const QString folder = qEnvironmentVariable("LF_SCREENSHOT_DIR");
        if (!folder.isEmpty()) widget.grab().save(folder + QChar('/') + QString::fromLatin1(name));
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        package_ = dir_.filePath(QStringLiteral("models/process-default"));
        lf::test::makeTinyProcessModel(package_);
    }

    void slidersAndSpinBoxesStayInSync() {
        WhatIfPanel panel(nullptr, nullptr);
        auto* spin = panel.parameterSpinBox(ProcessParameter::MouldTemperature);
        auto* slider = panel.parameterSlider(ProcessParameter::MouldTemperature);
        const auto& spec = process::parameterSpec(ProcessParameter::MouldTemperature);
        QCOMPARE(spin->value(), spec.nominal);
        QVERIFY(spin->suffix().contains(QStringLiteral("°C")));
        // The spin box goes beyond the training range by half its width on each side.
        QVERIFY(spin->maximum() > spec.maximum);
        QVERIFY(spin->minimum() < spec.minimum);
        QCOMPARE(spin->maximum(), process::denormalise(ProcessParameter::MouldTemperature, WhatIfPanel::kNormalisedLimit));
        slider->setValue(slider->maximum());
        QCOMPARE(spin->value(), spin->maximum());
        spin->setValue(spec.minimum);
        QCOMPARE(slider->value(), slider->maximum() / 6);  // normalised -1 of [-1.5, 1.5]
        QCOMPARE(panel.parameters().mouldTemperatureC, spec.minimum);
    }

    void outOfRangeValuesAreWarnedAbout() {
        WhatIfPanel panel(nullptr, nullptr);
        panel.show();
        QVERIFY(panel.rangeWarningLabel()->isHidden());
        const auto& spec = process::parameterSpec(ProcessParameter::MeltTemperature);
        // A quarter of the range above the maximum: 0.5 normalised units.
        panel.parameterSpinBox(ProcessParameter::MeltTemperature)->setValue(spec.maximum + 0.25 * (spec.maximum - spec.minimum));
        QVERIFY(!panel.rangeWarningLabel()->isHidden());
        const QString text = panel.rangeWarningLabel()->text();
        QVERIFY2(text.contains(QStringLiteral("Melt temperature")) && text.contains(QStringLiteral("above")) &&
                     text.contains(QStringLiteral("0.50 normalised units")),
                 qPrintable(text));
        screenshot(panel, "whatif_out_of_range.png");
        panel.parameterSpinBox(ProcessParameter::MeltTemperature)->setValue(spec.maximum);  // the edge is inside
        QVERIFY(panel.rangeWarningLabel()->isHidden());
        panel.parameterSpinBox(ProcessParameter::CoolingTime)->setValue(panel.parameterSpinBox(ProcessParameter::CoolingTime)->minimum());
        QVERIFY(panel.rangeWarningLabel()->text().contains(QStringLiteral("below")));
    }

    void samplingSettingsStartFromTheModelsDefaults() {
        // A package whose manifest records other defaults than ProcessSampling{}.
        const auto copy = editedCopy(QStringLiteral("edited-defaults"), [](nlohmann::json& manifest) {
            manifest["sampling_defaults"] = {{"sampler", "ddim"}, {"steps", 9}, {"guidance", 1.25}, {"eta", 0.3}};
        });

        WhatIfPanel panel(nullptr, nullptr);
        QCOMPARE(panel.request().sampling.guidance, ml::ProcessSampling{}.guidance);
        QSignalSpy loaded(panel.worker(), &ProcessSampleWorker::modelLoaded);
        panel.loadModel(QString::fromStdString(copy.string()), QStringLiteral("cpu"));
        QVERIFY(loaded.wait(60000));
        QCOMPARE(panel.stepsSpinBox()->value(), 9);
        const auto request = panel.request();
        QCOMPARE(request.sampling.steps, 9);
        QCOMPARE(request.sampling.guidance, 1.25);
        QCOMPARE(request.sampling.eta, 0.3);
    }

    void storedFidelityIsShownWithWeakEffectsMarked() {
        {
            auto panel = makePanel();  // the tiny package: trained, never evaluated
            QVERIFY(panel);
            QVERIFY(panel->fidelityLabel()->isVisible());
            QVERIFY2(panel->fidelityLabel()->text().contains("No fidelity measured"), qPrintable(panel->fidelityLabel()->text()));
            QVERIFY2(!panel->fidelityLabel()->text().contains("revision"), qPrintable(panel->fidelityLabel()->text()));
        }
        const auto copy = std::filesystem::path(dir_.filePath(QStringLiteral("models/evaluated")).toStdString());
        std::filesystem::copy(package_.toStdString(), copy);
        lf::writeEvaluationMetrics(copy, {{"spearman_severity_vs_measured",
                                           {{"short_shot", {{"generated", 0.985}, {"generated_interval95", {0.974, 0.991}}, {"simulator", 0.97}}},
                                            {"flash", {{"generated", 0.753}, {"generated_interval95", {0.678, 0.811}}, {"simulator", 0.892}}},
                                            {"gloss", {{"generated", nullptr}, {"simulator", 0.96}}}}},
                                          {"points", {{"grid", 240}, {"held_out", 4}, {"seeds_per_point", 2}}},
                                          {"simulator_revision", lf::process::kSimulatorRevision}});
        auto evaluated = makePanel(QString::fromStdString(copy.string()));
        QVERIFY(evaluated);
        WhatIfPanel& panel = *evaluated;
        const QString text = panel.fidelityLabel()->text();
        QVERIFY2(text.contains("short shot 0.98") || text.contains("short shot 0.99"), qPrintable(text));
        // Flash is under the 0.9 target: marked; short shot is not; gloss has no number: left out.
        QVERIFY2(text.contains(QRegularExpression("flash <b[^>]*>0.75</b>")), qPrintable(text));
        QVERIFY2(!text.contains(QRegularExpression("short shot <b")), qPrintable(text));
        QVERIFY2(!text.contains("gloss"), qPrintable(text));
        QVERIFY2(!text.contains("revision"), qPrintable(text));  // learnt from and measured against this build's simulator
        const QString tip = panel.fidelityLabel()->toolTip();
        QVERIFY2(tip.contains("244 points") && tip.contains("0.678–0.811") && tip.contains("simulator 0.892"), qPrintable(tip));
        screenshot(panel, "whatif_fidelity.png");
        // A failed load takes the line away with the model.
        QSignalSpy failed(panel.worker(), &ProcessSampleWorker::modelLoadFailed);
        panel.loadModel(dir_.filePath(QStringLiteral("models/nothing-here")), QStringLiteral("cpu"));
        QVERIFY(failed.wait(60000));
        QVERIFY(!panel.fidelityLabel()->isVisible());
    }

    void anotherSimulatorRevisionIsFlagged() {
        // A package whose images came from another revision of the simulator: its looks may not
        // be what this build's simulator draws, whatever its figures say.
        const auto older = editedCopy(QStringLiteral("older-revision"), [](nlohmann::json& m) { m["simulator_revision"] = 1; });
        auto panel = makePanel(QString::fromStdString(older.string()));
        QVERIFY(panel);
        QString text = panel->fidelityLabel()->text();
        QVERIFY2(text.contains("Trained on images of simulator revision 1; this build's simulator is revision " +
                               QString::number(lf::process::kSimulatorRevision)),
                 qPrintable(text));
        QVERIFY2(text.contains("<b style"), qPrintable(text));  // in the caution colour
        // Figures that do not say which simulator they were measured against.
        const auto unrecorded = std::filesystem::path(dir_.filePath(QStringLiteral("models/unrecorded")).toStdString());
        std::filesystem::copy(package_.toStdString(), unrecorded);
        lf::writeEvaluationMetrics(unrecorded, {{"spearman_severity_vs_measured", {{"flash", {{"generated", 0.95}}}}},
                                                {"points", {{"grid", 120}, {"held_out", 4}}}});
        panel = makePanel(QString::fromStdString(unrecorded.string()));
        QVERIFY(panel);
        text = panel->fidelityLabel()->text();
        QVERIFY2(text.contains("flash 0.95") && text.contains("Measured against simulator an unrecorded revision"), qPrintable(text));
    }

    void generateFillsTheGalleryWhileTheEventLoopRuns() {
        auto panel = makePanel();
        QVERIFY(panel);
        QVERIFY(panel->generateButton()->isEnabled());
        panel->sampleCountSpinBox()->setValue(3);
        panel->stepsSpinBox()->setValue(150);
        int ticks = 0;
        int ticksMidway = 0;  // ticks that saw the progress bar part-way: events flowed during sampling
        QTimer ticker;
        ticker.setInterval(5);
        connect(&ticker, &QTimer::timeout, this, [&] {
            ++ticks;
            const int v = panel->progressBar()->value();
            if (v > 0 && v < panel->progressBar()->maximum()) ++ticksMidway;
        });
        ticker.start();
        QSignalSpy galleryChanged(panel.get(), &WhatIfPanel::galleryChanged);
        std::vector<std::size_t> arrivals;  // gallery sizes while the request still ran
        connect(panel.get(), &WhatIfPanel::galleryChanged, this, [&] {
            if (panel->cancelButton()->isEnabled()) arrivals.push_back(panel->gallery().size());
        });
        QTest::mouseClick(panel->generateButton(), Qt::LeftButton);
        QVERIFY(panel->cancelButton()->isEnabled());
        QVERIFY(waitForResult(*panel));
        ticker.stop();
        // On the CPU the images arrive one by one, the first long before the last.
        QVERIFY2(arrivals.size() >= 2 && arrivals.front() == 1, qPrintable(QString::number(arrivals.size())));
        QCOMPARE(panel->gallery().size(), std::size_t(3));
        QCOMPARE(panel->galleryWidget()->count(), 3);
        QVERIFY(panel->galleryWidget()->item(0)->toolTip().contains(QStringLiteral("tiny-whatif")));
        QCOMPARE(panel->progressBar()->value(), panel->progressBar()->maximum());
        QVERIFY(!panel->previewLabel()->pixmap().isNull());
        QVERIFY(!panel->cancelButton()->isEnabled());
        // The GUI thread kept running its timers while the worker sampled.
        QVERIFY2(ticks >= 3 && ticksMidway >= 1,
                 qPrintable(QStringLiteral("%1 ticks, %2 while sampling").arg(ticks).arg(ticksMidway)));
        screenshot(*panel, "whatif_gallery.png");
    }

    void resultsComeIntoViewInAShortDock() {
        auto panel = makePanel();
        QVERIFY(panel);
        panel->resize(420, 400);  // the dock's share of a 1200x800 window
        QTRY_VERIFY(panel->scrollArea()->verticalScrollBar()->maximum() > 0);
        // Everything fits the dock's width: no sideways scrolling.
        QCOMPARE(panel->scrollArea()->horizontalScrollBar()->maximum(), 0);
        auto inView = [&](QWidget* w) {
            const QRect r(w->mapTo(panel->scrollArea()->viewport(), QPoint(0, 0)), w->size());
            return panel->scrollArea()->viewport()->rect().contains(r);
        };
        QVERIFY(!inView(panel->previewLabel()));  // below the fold before Generate
        panel->sampleCountSpinBox()->setValue(3);
        panel->stepsSpinBox()->setValue(10);
        QSignalSpy galleryChanged(panel.get(), &WhatIfPanel::galleryChanged);
        QTest::mouseClick(panel->generateButton(), Qt::LeftButton);
        QVERIFY(inView(panel->previewLabel()));  // the live preview is visible while sampling
        QVERIFY(waitForResult(*panel));
        // One request's images read in seed order; a newer request's come before them.
        auto seeds = [&] {
            QStringList s;
            for (int i = 0; i < panel->galleryWidget()->count(); ++i) s << panel->galleryWidget()->item(i)->text();
            return s.join(QChar(','));
        };
        QCOMPARE(seeds(), QStringLiteral("seed 1,seed 2,seed 3"));
        QCOMPARE(panel->gallery().front().metadata.seed, std::uint64_t(1));
        panel->sampleCountSpinBox()->setValue(2);
        panel->firstSeedSpinBox()->setValue(7);
        QTest::mouseClick(panel->generateButton(), Qt::LeftButton);
        QVERIFY(waitForResult(*panel));
        QCOMPARE(seeds(), QStringLiteral("seed 7,seed 8,seed 1,seed 2,seed 3"));
        QCOMPARE(panel->gallery().at(2).metadata.seed, std::uint64_t(1));
        // Run sweep shows where the grid appears.
        panel->scrollArea()->verticalScrollBar()->setValue(0);
        QVERIFY(!inView(panel->sweepTable()));
        QTest::mouseClick(panel->sweepButton(), Qt::LeftButton);
        const int tableTop = panel->sweepTable()->mapTo(panel->scrollArea()->viewport(), QPoint(0, 0)).y();
        QVERIFY2(tableTop >= 0 && tableTop < panel->scrollArea()->viewport()->height(), qPrintable(QString::number(tableTop)));
        QTRY_VERIFY_WITH_TIMEOUT(!panel->worker()->isBusy(), 60000);
        // Live regeneration leaves the scroll position where the engineer is dragging.
        panel->scrollArea()->verticalScrollBar()->setValue(0);
        panel->liveCheckBox()->setChecked(true);
        auto* melt = panel->parameterSpinBox(ProcessParameter::MeltTemperature);
        melt->setValue(melt->value() + 5);
        QVERIFY(galleryChanged.wait(60000));
        QCOMPARE(panel->scrollArea()->verticalScrollBar()->value(), 0);
    }

    void clearWhileImagesArriveKeepsTheRest() {
        auto panel = makePanel();
        QVERIFY(panel);
        panel->sampleCountSpinBox()->setValue(3);
        panel->stepsSpinBox()->setValue(60);
        QTest::mouseClick(panel->generateButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel->gallery().size() == 1, 60000);  // the first image is in
        auto* clear = panel->findChild<QPushButton*>(QStringLiteral("clearGallery"));
        QVERIFY(clear);
        QTest::mouseClick(clear, Qt::LeftButton);
        QCOMPARE(panel->galleryWidget()->count(), 0);
        QVERIFY(waitForResult(*panel));
        // The images that came after the Clear, in seed order, nothing twice.
        QCOMPARE(panel->galleryWidget()->count(), int(panel->gallery().size()));
        QVERIFY(panel->gallery().size() >= 1 && panel->gallery().size() <= 2);
        QCOMPARE(panel->gallery().back().metadata.seed, std::uint64_t(3));
        for (std::size_t i = 1; i < panel->gallery().size(); ++i)
            QCOMPARE(panel->gallery()[i].metadata.seed, panel->gallery()[i - 1].metadata.seed + 1);
    }

    void cancelStopsSampling() {
        auto panel = makePanel();
        QVERIFY(panel);
        panel->sampleCountSpinBox()->setValue(16);
        panel->stepsSpinBox()->setValue(200);
        QTest::mouseClick(panel->generateButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel->progressBar()->value() >= 1, 60000);
        QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
        QVERIFY(!panel->cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!panel->worker()->isBusy(), 60000);
        QTest::qWait(100);
        QCOMPARE(panel->gallery().size(), std::size_t(0));
        QVERIFY(panel->progressBar()->value() < 200);
    }

    void savedImagesCarryTheirMetadata() {
        auto panel = makePanel();
        QVERIFY(panel);
        panel->sampleCountSpinBox()->setValue(2);
        panel->stepsSpinBox()->setValue(5);
        panel->parameterSpinBox(ProcessParameter::InjectionPressure)->setValue(75.0);
        panel->parameterSpinBox(ProcessParameter::MeltTemperature)->setValue(270.0);
        panel->generate();
        QVERIFY(waitForResult(*panel));
        // Captions tell settings apart: the seed, then each parameter off nominal.
        QCOMPARE(panel->galleryWidget()->item(0)->text(), QStringLiteral("seed 1\nmelt 270 °C\n75 MPa"));
        QTemporaryDir out;
        const auto files = panel->saveImages(out.path());
        QCOMPARE(files.size(), 2);
        for (const auto& file : files) {
            const auto png = readPng(file.toStdString());
            QCOMPARE(png.image.width, 64);
            QVERIFY(png.text.count(kPngMetadataKey));
            const auto json = nlohmann::json::parse(png.text.at(kPngMetadataKey));
            QVERIFY2(json.dump().find("tiny-whatif") != std::string::npos, json.dump().c_str());
            QVERIFY2(json.dump().find("75") != std::string::npos, json.dump().c_str());
            QVERIFY2(json.dump().find("injection_pressure") != std::string::npos, json.dump().c_str());
        }
        // The newest image first; seeds 1 and 2 of one request.
        const auto first = nlohmann::json::parse(readPng(files[0].toStdString()).text.at(kPngMetadataKey));
        const auto second = nlohmann::json::parse(readPng(files[1].toStdString()).text.at(kPngMetadataKey));
        QVERIFY(first.dump() != second.dump());
        // The image pixels are what the gallery shows.
        const auto png = readPng(files[0].toStdString());
        const QImage shown = panel->gallery()[0].image;
        QCOMPARE(QColor(shown.pixel(10, 20)).red(), int(png.image.pixels[(20 * 64 + 10) * 3]));
        // A folder that does not exist is an lf::Error, not a crash.
        QVERIFY_THROWS_EXCEPTION(std::exception, panel->saveImages(out.filePath(QStringLiteral("missing/folder"))));
        // Click shows a result large; double-click takes back the settings that made it.
        panel->setParameters(process::ProcessParameters::nominal());
        panel->firstSeedSpinBox()->setValue(9);
        panel->stepsSpinBox()->setValue(7);
        QListWidget* list = panel->galleryWidget();
        const QRect secondItem = list->visualItemRect(list->item(1));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, secondItem.center());
        QCOMPARE(panel->previewLabel()->pixmap().toImage().convertToFormat(QImage::Format_RGB888),
                 panel->gallery()[1].image.scaled(192, 192, Qt::KeepAspectRatio, Qt::FastTransformation)
                     .convertToFormat(QImage::Format_RGB888));
        QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, secondItem.center());
        QCOMPARE(panel->parameters(), panel->gallery()[1].metadata.parameters);
        QCOMPARE(panel->parameterSpinBox(ProcessParameter::MeltTemperature)->value(), 270.0);
        QCOMPARE(panel->firstSeedSpinBox()->value(), 2);
        QCOMPARE(panel->stepsSpinBox()->value(), 5);
    }

    void sweepFillsALabelledGridAndSavesAContactSheet() {
        auto panel = makePanel();
        QVERIFY(panel);
        panel->stepsSpinBox()->setValue(4);
        QVERIFY_THROWS_EXCEPTION(std::exception, panel->saveContactSheet(dir_.filePath(QStringLiteral("none.png"))));
        panel->setSweepAxes(ProcessParameter::MeltTemperature, 210, 270, 3, ProcessParameter::InjectionSpeed, 50, 170, 2);
        QSignalSpy completed(panel.get(), &WhatIfPanel::sweepCompleted);
        panel->runSweep();
        QVERIFY(completed.wait(60000));
        auto* table = panel->sweepTable();
        QCOMPARE(table->columnCount(), 3);
        QCOMPARE(table->rowCount(), 2);
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 3; ++c) QVERIFY(table->item(r, c) && !table->item(r, c)->data(Qt::DecorationRole).isNull());
        QVERIFY(table->horizontalHeaderItem(1)->text().contains(QStringLiteral("240")));
        QVERIFY(table->verticalHeaderItem(1)->text().contains(QStringLiteral("170")));
        QVERIFY(table->item(1, 2)->toolTip().contains(QStringLiteral("270")));
        screenshot(*panel, "whatif_sweep.png");
        const QString sheet = dir_.filePath(QStringLiteral("sheet.png"));
        panel->saveContactSheet(sheet);
        const auto png = readPng(sheet.toStdString());
        QVERIFY(png.image.width > 3 * 64);
        QVERIFY(png.image.height > 2 * 64);
        const auto json = nlohmann::json::parse(png.text.at(kPngMetadataKey));
        QCOMPARE(json.at("cells").size(), std::size_t(6));
        QCOMPARE(json.at("x").at("parameter").get<std::string>(), std::string("melt_temperature"));
        QCOMPARE(json.at("y").at("values").at(1).get<double>(), 170.0);
    }

    void mainWindowHasTheWhatIfDock() {
        qputenv("LATENTFORGE_MODELS", dir_.filePath(QStringLiteral("models")).toUtf8());
        MainWindow window(std::make_unique<Preferences>(dir_.filePath(QStringLiteral("settings.ini"))));
        window.show();
        auto* panel = window.whatIfPanel();
        QVERIFY(panel);
        QAction* toggle = nullptr;
        for (auto* menu : window.menuBar()->findChildren<QMenu*>())
            for (auto* action : menu->actions())
                if (action == panel->toggleViewAction()) toggle = action;
        QVERIFY2(toggle, "the View menu has the What-if toggle");
        QVERIFY(toggle->text().contains(QStringLiteral("What-if")));
        // The model is found through $LATENTFORGE_MODELS and loaded in the background.
        QTRY_VERIFY_WITH_TIMEOUT(panel->statusLabel()->text().contains(QStringLiteral("tiny-whatif")), 60000);
        QVERIFY(panel->generateButton()->isEnabled());
        panel->raise();  // tabbed with the mesh report
        window.resize(1280, 900);
        QTest::qWait(50);
        screenshot(window, "whatif_mainwindow.png");
        toggle->trigger();
        QCOMPARE(panel->isHidden(), !toggle->isChecked());
        qunsetenv("LATENTFORGE_MODELS");
    }
};

QTEST_MAIN(TestWhatIfPanel)
#include "tst_whatifpanel.moc"
