#include "ui/panels/WhatIfPanel.h"

#include "ui/StatusColours.h"

#include "core/formats/ContactSheet.h"
#include "core/formats/PngImage.h"
#include "core/util/Error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <cmath>

namespace lf::ui {

namespace {

using process::ProcessParameter;

constexpr int kSliderSteps = 600;  // over [-kNormalisedLimit, +kNormalisedLimit]
constexpr int kThumbnail = 128;    // 2x the model's 64 px, nearest-neighbour (crisp defects)
constexpr int kPreview = 192;    // 3x: the live x0 estimate and the newest result
constexpr std::size_t kGalleryLimit = 48;

const process::ParameterSpec& specAt(std::size_t i) { return process::parameterSpecs()[i]; }

QString labelOf(const process::ParameterSpec& spec) {
    QString label = QString::fromUtf8(spec.label.data(), qsizetype(spec.label.size()));
    if (!label.isEmpty()) label[0] = label[0].toUpper();
    return label;
}
QString unitOf(const process::ParameterSpec& spec) {
    const auto unit = QString::fromUtf8(spec.unit.data(), qsizetype(spec.unit.size()));
    return unit == QStringLiteral("C") ? QStringLiteral("°C") : unit;
}

int decimalsFor(const process::ParameterSpec& spec) { return spec.maximum - spec.minimum >= 50 ? 1 : 2; }

QString tooltipFor(const ml::ProcessSampleMetadata& m) {
    QStringList lines;
    for (std::size_t i = 0; i < process::kParameterCount; ++i) {
        lines << QStringLiteral("%1: %2 %3").arg(labelOf(specAt(i))).arg(m.parameters.get(specAt(i).parameter), 0, 'g', 5).arg(unitOf(specAt(i)));
    }
    lines << QStringLiteral("seed %1, %2 steps (%3), guidance %4, eta %5")
                 .arg(m.seed).arg(m.steps).arg(QString::fromStdString(m.sampler)).arg(m.guidance).arg(m.eta);
    lines << QStringLiteral("model %1 (weights %2…)")
                 .arg(QString::fromStdString(m.modelId), QString::fromStdString(m.weightsSha256.substr(0, 12)));
    lines << QStringLiteral("%1, %2, %3 s").arg(QString::fromStdString(m.device), QString::fromStdString(m.precision))
                 .arg(m.elapsedSeconds, 0, 'f', 2);
    for (const auto& w : m.warnings) lines << QStringLiteral("⚠ ") + QString::fromStdString(w);
    return lines.join(QChar('\n'));
}

RgbImage8 toRgb(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    RgbImage8 out;
    out.width = rgb.width();
    out.height = rgb.height();
    out.pixels.resize(std::size_t(out.width) * std::size_t(out.height) * 3);
    for (int y = 0; y < out.height; ++y) {
        std::copy_n(rgb.constScanLine(y), std::size_t(out.width) * 3, out.pixels.data() + std::size_t(y) * out.width * 3);
    }
    return out;
}

std::vector<double> linspace(double lo, double hi, int n) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(n == 1 ? lo : lo + (hi - lo) * i / (n - 1));
    return v;
}

// A gallery item's caption: the seed, then each parameter that is not nominal, shortly
// ("melt 270 °C", "150 mm/s"), so results of different settings tell apart at a glance.
QString captionFor(const ml::ProcessSampleMetadata& m) {
    QStringList parts{QStringLiteral("seed %1").arg(m.seed)};
    const auto nominal = process::ProcessParameters::nominal();
    for (std::size_t i = 0; i < process::kParameterCount; ++i) {
        const auto& spec = specAt(i);
        const double value = m.parameters.get(spec.parameter);
        if (std::abs(value - nominal.get(spec.parameter)) < 1e-9) continue;
        const QString unit = unitOf(spec);
        // Two temperatures: say which.
        const QString which = unit == QStringLiteral("°C") ? labelOf(spec).section(QChar(' '), 0, 0).toLower() + QChar(' ')
                                                          : QString();
        parts << QStringLiteral("%1%2 %3").arg(which).arg(value, 0, 'g', 4).arg(unit);
    }
    return parts.join(QChar('\n'));
}

QPixmap thumbnail(const QImage& image) {
    return QPixmap::fromImage(image.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::FastTransformation));
}

// Another revision of the simulator draws the effects differently: a model's looks follow the one
// it learnt from, and its figures hold against the one they were measured with.
QString revisionCaution(const ProcessModelInfo& info) {
    const int current = process::kSimulatorRevision;
    auto revision = [](std::optional<int> r) {
        return r ? WhatIfPanel::tr("revision %1").arg(*r) : WhatIfPanel::tr("an unrecorded revision");
    };
    if (info.simulatorRevision != current) {
        return WhatIfPanel::tr("Trained on images of simulator %1; this build's simulator is revision %2, so its "
                               "looks may differ from what the simulator draws.")
            .arg(revision(info.simulatorRevision))
            .arg(current);
    }
    if (!info.fidelity.effects.empty() && info.fidelity.simulatorRevision != current) {
        return WhatIfPanel::tr("Measured against simulator %1, not this build's revision %2: re-run "
                               "<i>eval process-diffusion</i>.")
            .arg(revision(info.fidelity.simulatorRevision))
            .arg(current);
    }
    return {};
}

}  // namespace

WhatIfPanel::WhatIfPanel(QWidget* parent, ProcessSampleWorker* worker)
    : QDockWidget(tr("What-if"), parent), worker_(worker ? worker : new ProcessSampleWorker(0, WorkerPriority::Low, this)) {
    setObjectName(QStringLiteral("WhatIfPanel"));
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    status_ = new QLabel(tr("No what-if model loaded."));
    status_->setWordWrap(true);
    layout->addWidget(status_);
    fidelity_ = new QLabel;
    fidelity_->setWordWrap(true);
    fidelity_->setTextFormat(Qt::RichText);
    fidelity_->hide();
    layout->addWidget(fidelity_);
    layout->addWidget(buildParameters());
    layout->addWidget(buildSampling());
    layout->addWidget(buildGallery(), 1);
    layout->addWidget(buildSweep(), 1);
    scroll_ = new QScrollArea;
    scroll_->setWidgetResizable(true);
    scroll_->setWidget(content);
    setWidget(scroll_);

    connect(worker_, &ProcessSampleWorker::modelLoaded, this, [this](const ProcessModelInfo& info) {
        // Start from the settings the package's fidelity was measured at.
        steps_->setValue(info.sampling.steps);
        guidance_->setValue(info.sampling.guidance);
        eta_->setValue(info.sampling.eta);
        status_->setText(tr("Model %1 on %2").arg(info.id, info.device));
        status_->setStyleSheet({});
        showFidelity(info);
        generateButton_->setEnabled(true);
        sweepButton_->setEnabled(true);
    });
    connect(worker_, &ProcessSampleWorker::modelLoadFailed, this, [this](const QString& message) {
        status_->setText(tr("Could not load the what-if model: %1").arg(message));
        fidelity_->hide();  // no model, nothing measured to show
        status_->setStyleSheet(textColourStyle(kErrorColour));
        generateButton_->setEnabled(false);
        sweepButton_->setEnabled(false);
    });
    connect(worker_, &ProcessSampleWorker::progress, this, [this](quint64 id, int step, int steps) {
        if (id != currentRequest_) return;
        progress_->setRange(0, steps);
        progress_->setValue(step);
    });
    connect(worker_, &ProcessSampleWorker::preview, this, [this](quint64 id, const QImage& image) {
        if (id == currentRequest_) preview_->setPixmap(QPixmap::fromImage(image.scaled(kPreview, kPreview, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    });
    connect(worker_, &ProcessSampleWorker::resultReady, this, &WhatIfPanel::onResult);
    connect(worker_, &ProcessSampleWorker::imagesReady, this, [this](const ProcessSampleOutput& output, int first) {
        if (output.id == currentRequest_) addToGallery(output, first);
    });
    connect(worker_, &ProcessSampleWorker::requestCancelled, this, [this](quint64 id) {
        if (id == currentRequest_) setRunning(false);
    });
    connect(worker_, &ProcessSampleWorker::requestFailed, this, [this](quint64 id, const QString& message) {
        if (id == currentRequest_) {
            setRunning(false);
            status_->setText(tr("Sampling failed: %1").arg(message));
        }
    });
    connect(worker_, &ProcessSampleWorker::sweepCellReady, this, &WhatIfPanel::onSweepCell);
    connect(worker_, &ProcessSampleWorker::sweepFinished, this, &WhatIfPanel::onSweepFinished);
    updateRangeWarning();
    setRunning(false);
    generateButton_->setEnabled(false);
    sweepButton_->setEnabled(false);
}

WhatIfPanel::~WhatIfPanel() {
    worker_->cancelAll();  // an owned worker joins its thread in its destructor
}

void WhatIfPanel::showFidelity(const ProcessModelInfo& info) {
    const ml::StoredFidelity& fidelity = info.fidelity;
    const QString caution = revisionCaution(info);
    const QString cautionLine = caution.isEmpty() ? QString() : QStringLiteral("<br>") + cautionText(caution);
    if (fidelity.effects.empty()) {
        fidelity_->setText(tr("No fidelity measured for this model (<i>latentforge-cli eval process-diffusion</i>).") +
                           cautionLine);
        fidelity_->setToolTip({});
        fidelity_->show();
        return;
    }
    // One line an engineer can read at a glance; effects under the target in amber, so their
    // look is taken with caution. The tooltip carries the intervals and the simulator's ceiling.
    QStringList shown, details;
    for (const auto& effect : fidelity.effects) {
        const auto& info = process::effectInfo(process::effectFromName(effect.effect));
        const QString label = QString::fromUtf8(info.label.data(), qsizetype(info.label.size()));
        const bool weak = effect.rho < ml::kFidelityTarget;
        const QString value = QString::number(effect.rho, 'f', 2);
        shown << label + QChar(' ') + (weak ? cautionText(value) : value);
        QString detail = tr("%1: ρ %2").arg(label).arg(effect.rho, 0, 'f', 3);
        if (effect.interval) detail += tr(" (95 % %1–%2)").arg(effect.interval->first, 0, 'f', 3).arg(effect.interval->second, 0, 'f', 3);
        if (effect.simulatorRho) detail += tr(", simulator %1").arg(*effect.simulatorRho, 0, 'f', 3);
        if (weak) detail += tr(": below %1, its strength follows the parameters only loosely").arg(ml::kFidelityTarget);
        details << detail;
    }
    fidelity_->setText(tr("Fidelity (Spearman ρ against the simulator, target %1): %2")
                           .arg(ml::kFidelityTarget)
                           .arg(shown.join(QStringLiteral(" · "))) +
                       cautionLine);
    fidelity_->setToolTip(tr("How closely each effect's strength in this model's images follows the process "
                             "parameters, as <i>eval process-diffusion</i> measured it over %1 points:<br>%2")
                              .arg(fidelity.points)
                              .arg(details.join(QStringLiteral("<br>"))));
    fidelity_->show();
}

void WhatIfPanel::loadModel(const QString& packageDirectory, const QString& device) {
    status_->setText(tr("Loading %1…").arg(QDir::toNativeSeparators(packageDirectory)));
    status_->setStyleSheet({});
    worker_->loadModel(packageDirectory, device);
}

QWidget* WhatIfPanel::buildParameters() {
    auto* box = new QGroupBox(tr("Process parameters"));
    auto* form = new QFormLayout(box);
    for (std::size_t i = 0; i < process::kParameterCount; ++i) {
        const auto& spec = specAt(i);
        auto& row = rows_[i];
        row.slider = new QSlider(Qt::Horizontal);
        row.slider->setRange(0, kSliderSteps);
        // A tick every 0.5 normalised units: the training range is between the 2nd and 6th tick.
        row.slider->setTickPosition(QSlider::TicksBelow);
        row.slider->setTickInterval(kSliderSteps / 6);
        row.slider->setObjectName(QString::fromUtf8(spec.name.data(), qsizetype(spec.name.size())) + QStringLiteral("_slider"));
        row.spin = new QDoubleSpinBox;
        row.spin->setObjectName(QString::fromUtf8(spec.name.data(), qsizetype(spec.name.size())));
        row.spin->setDecimals(decimalsFor(spec));
        row.spin->setRange(process::denormalise(spec.parameter, -kNormalisedLimit),
                           process::denormalise(spec.parameter, kNormalisedLimit));
        row.spin->setSingleStep((spec.maximum - spec.minimum) / 100.0);
        row.spin->setSuffix(QStringLiteral(" ") + unitOf(spec));
        row.spin->setKeyboardTracking(false);
        row.spin->setFixedWidth(120);  // equal widths: the sliders line up
        row.spin->setToolTip(tr("Training range %1 – %2 %3; nominal %4")
                                 .arg(spec.minimum).arg(spec.maximum).arg(unitOf(spec)).arg(spec.nominal));
        auto* line = new QHBoxLayout;
        line->addWidget(row.slider, 1);
        line->addWidget(row.spin);
        form->addRow(labelOf(spec), line);
        connect(row.slider, &QSlider::valueChanged, this, [this, i](int position) { onSliderMoved(i, position); });
        connect(row.spin, &QDoubleSpinBox::valueChanged, this, [this, i](double value) { onSpinChanged(i, value); });
    }
    rangeWarning_ = new QLabel;
    rangeWarning_->setWordWrap(true);
    rangeWarning_->setStyleSheet(textColourStyle(kCautionColour, true));
    form->addRow(rangeWarning_);
    auto* reset = new QPushButton(tr("Nominal"));
    reset->setToolTip(tr("Every parameter at the centre of the ABS processing window"));
    connect(reset, &QPushButton::clicked, this, [this] { setParameters(process::ProcessParameters::nominal()); });
    form->addRow(reset);
    setParameters(process::ProcessParameters::nominal());
    return box;
}

QWidget* WhatIfPanel::buildSampling() {
    auto* box = new QGroupBox(tr("Sampling"));
    auto* form = new QFormLayout(box);
    firstSeed_ = new QSpinBox;
    firstSeed_->setRange(0, 2147483647);
    firstSeed_->setValue(1);
    sampleCount_ = new QSpinBox;
    sampleCount_->setRange(1, 16);
    sampleCount_->setValue(4);
    auto* seeds = new QHBoxLayout;
    seeds->addWidget(new QLabel(tr("first")));
    seeds->addWidget(firstSeed_, 1);
    seeds->addWidget(new QLabel(tr("count")));
    seeds->addWidget(sampleCount_, 1);
    form->addRow(tr("Seeds"), seeds);
    steps_ = new QSpinBox;
    steps_->setRange(1, 200);
    steps_->setValue(ml::ProcessSampling{}.steps);
    guidance_ = new QDoubleSpinBox;
    guidance_->setRange(0.0, 10.0);
    guidance_->setSingleStep(0.25);
    guidance_->setValue(ml::ProcessSampling{}.guidance);
    guidance_->setToolTip(tr("Classifier-free guidance: 1 is the plain conditional model; higher follows the parameters more strongly"));
    eta_ = new QDoubleSpinBox;
    eta_->setRange(0.0, 1.0);
    eta_->setSingleStep(0.1);
    eta_->setToolTip(tr("0: deterministic DDIM; 1: fully stochastic"));
    // Two rows: on one the dock would need a horizontal scroll bar.
    auto* settings = new QHBoxLayout;
    settings->addWidget(new QLabel(tr("steps")));
    settings->addWidget(steps_, 1);
    settings->addWidget(new QLabel(tr("eta")));
    settings->addWidget(eta_, 1);
    form->addRow(tr("Sampler"), settings);
    form->addRow(tr("Guidance"), guidance_);

    live_ = new QCheckBox(tr("Live: regenerate while the parameters change"));
    liveTimer_ = new QTimer(this);
    liveTimer_->setSingleShot(true);
    liveTimer_->setInterval(150);
    connect(liveTimer_, &QTimer::timeout, this, [this] {
        if (generateButton_->isEnabled() || worker_->hasModel()) generate();
    });
    form->addRow(live_);

    generateButton_ = new QPushButton(tr("Generate"));
    generateButton_->setDefault(true);
    cancelButton_ = new QPushButton(tr("Cancel"));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(generateButton_);
    buttons->addWidget(cancelButton_);
    buttons->addWidget(progress_, 1);
    form->addRow(buttons);
    connect(generateButton_, &QPushButton::clicked, this, [this] {
        generate();
        // In a short dock the results sit below the fold: show where the preview and images
        // appear (not for live regeneration, which must not scroll away from the slider).
        scroll_->ensureWidgetVisible(resultsBox_, 0, 0);
    });
    connect(cancelButton_, &QPushButton::clicked, this, &WhatIfPanel::cancel);
    return box;
}

QWidget* WhatIfPanel::buildGallery() {
    auto* box = resultsBox_ = new QGroupBox(tr("Results"));
    auto* outer = new QVBoxLayout(box);
    auto* layout = new QHBoxLayout;
    outer->addLayout(layout, 1);
    preview_ = new QLabel;
    preview_->setFixedSize(kPreview, kPreview);
    preview_->setAlignment(Qt::AlignCenter);
    preview_->setFrameShape(QFrame::StyledPanel);
    preview_->setToolTip(tr("Live preview: the model's current estimate of the final image"));
    layout->addWidget(preview_, 0, Qt::AlignTop);
    galleryList_ = new QListWidget;
    galleryList_->setViewMode(QListView::IconMode);
    galleryList_->setIconSize(QSize(kThumbnail, kThumbnail));
    galleryList_->setResizeMode(QListView::Adjust);
    galleryList_->setMovement(QListView::Static);
    galleryList_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    galleryList_->setWordWrap(true);  // captions: the seed, then a line per changed parameter
    galleryList_->setMinimumHeight(kPreview);
    galleryList_->setToolTip(tr("Click: show it large; double-click: take its settings"));
    layout->addWidget(galleryList_, 1);
    // Click: the image large in the preview; double-click: back to the settings that made it.
    connect(galleryList_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < int(gallery_.size())) showLarge(gallery_[std::size_t(row)].image);
    });
    connect(galleryList_, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
        const int row = galleryList_->row(item);
        if (row >= 0 && row < int(gallery_.size())) useSettingsOf(gallery_[std::size_t(row)].metadata);
    });
    auto* buttons = new QHBoxLayout;
    saveButton_ = new QPushButton(tr("Save image(s)…"));
    saveButton_->setToolTip(tr("PNG files with the sampling metadata embedded (the selected images, or all)"));
    auto* clear = new QPushButton(tr("Clear"));
    clear->setObjectName(QStringLiteral("clearGallery"));
    buttons->addWidget(saveButton_);
    buttons->addWidget(clear);
    buttons->addStretch(1);
    outer->addLayout(buttons);
    connect(saveButton_, &QPushButton::clicked, this, &WhatIfPanel::saveImagesInteractively);
    connect(clear, &QPushButton::clicked, this, [this] {
        gallery_.clear();
        galleryList_->clear();
        Q_EMIT galleryChanged();
    });
    return box;
}

QWidget* WhatIfPanel::buildSweep() {
    auto* box = new QGroupBox(tr("X/Y sweep"));
    auto* layout = new QVBoxLayout(box);
    auto* form = new QFormLayout;
    auto makeAxis = [&](SweepAxis& axis, const QString& name, std::size_t initial) {
        axis.parameter = new QComboBox;
        for (std::size_t i = 0; i < process::kParameterCount; ++i) axis.parameter->addItem(labelOf(specAt(i)));
        axis.parameter->setCurrentIndex(int(initial));
        axis.lo = new QDoubleSpinBox;
        axis.hi = new QDoubleSpinBox;
        axis.count = new QSpinBox;
        axis.count->setRange(1, 12);
        axis.count->setValue(3);
        axis.count->setToolTip(tr("Points along the axis"));
        // The range goes under the parameter: on one line the dock would need a horizontal
        // scroll bar.
        auto* range = new QHBoxLayout;
        range->addWidget(axis.lo, 1);
        range->addWidget(new QLabel(QStringLiteral("–")));
        range->addWidget(axis.hi, 1);
        range->addWidget(new QLabel(QStringLiteral("×")));
        range->addWidget(axis.count);
        form->addRow(name, axis.parameter);
        form->addRow(QString(), range);
        updateSweepAxisRange(axis);
        connect(axis.parameter, &QComboBox::currentIndexChanged, this, [this, &axis] { updateSweepAxisRange(axis); });
    };
    makeAxis(sweepX_, tr("X"), 0);
    makeAxis(sweepY_, tr("Y"), 3);
    layout->addLayout(form);
    auto* buttons = new QHBoxLayout;
    sweepButton_ = new QPushButton(tr("Run sweep"));
    sweepCancelButton_ = new QPushButton(tr("Cancel sweep"));
    sweepCancelButton_->setEnabled(false);
    sweepSaveButton_ = new QPushButton(tr("Save contact sheet…"));
    sweepSaveButton_->setEnabled(false);
    buttons->addWidget(sweepButton_);
    buttons->addWidget(sweepCancelButton_);
    buttons->addWidget(sweepSaveButton_);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    sweepAxes_ = new QLabel;
    layout->addWidget(sweepAxes_);
    sweepTable_ = new QTableWidget;
    sweepTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    sweepTable_->setIconSize(QSize(kThumbnail / 2 * 3 / 2, kThumbnail / 2 * 3 / 2));
    sweepTable_->setMinimumHeight(200);
    layout->addWidget(sweepTable_, 1);
    connect(sweepButton_, &QPushButton::clicked, this, [this] {
        runSweep();
        scroll_->ensureWidgetVisible(sweepTable_, 0, 0);
    });
    connect(sweepCancelButton_, &QPushButton::clicked, this, [this] { if (currentSweep_) worker_->cancelSweep(currentSweep_); });
    connect(sweepSaveButton_, &QPushButton::clicked, this, &WhatIfPanel::saveContactSheetInteractively);
    return box;
}

void WhatIfPanel::updateSweepAxisRange(SweepAxis& axis) {
    const auto& spec = specAt(std::size_t(axis.parameter->currentIndex()));
    for (auto* spin : {axis.lo, axis.hi}) {
        spin->setDecimals(decimalsFor(spec));
        spin->setRange(process::denormalise(spec.parameter, -kNormalisedLimit),
                       process::denormalise(spec.parameter, kNormalisedLimit));
        spin->setSuffix(QStringLiteral(" ") + unitOf(spec));
    }
    axis.lo->setValue(spec.minimum);
    axis.hi->setValue(spec.maximum);
}

void WhatIfPanel::setSweepAxes(ProcessParameter x, double xLo, double xHi, int xCount, ProcessParameter y,
                               double yLo, double yHi, int yCount) {
    sweepX_.parameter->setCurrentIndex(int(x));
    sweepY_.parameter->setCurrentIndex(int(y));
    sweepX_.lo->setValue(xLo);
    sweepX_.hi->setValue(xHi);
    sweepX_.count->setValue(xCount);
    sweepY_.lo->setValue(yLo);
    sweepY_.hi->setValue(yHi);
    sweepY_.count->setValue(yCount);
}

void WhatIfPanel::onSliderMoved(std::size_t index, int position) {
    const double normalised = -kNormalisedLimit + 2.0 * kNormalisedLimit * position / kSliderSteps;
    const QSignalBlocker block(rows_[index].spin);
    rows_[index].spin->setValue(process::denormalise(specAt(index).parameter, normalised));
    updateRangeWarning();
    if (live_ && live_->isChecked()) liveTimer_->start();
}

void WhatIfPanel::onSpinChanged(std::size_t index, double value) {
    const double normalised = process::normalise(specAt(index).parameter, value);
    const QSignalBlocker block(rows_[index].slider);
    rows_[index].slider->setValue(int(std::lround((normalised + kNormalisedLimit) / (2.0 * kNormalisedLimit) * kSliderSteps)));
    updateRangeWarning();
    if (live_ && live_->isChecked()) liveTimer_->start();
}

process::ProcessParameters WhatIfPanel::parameters() const {
    process::ProcessParameters p;
    for (std::size_t i = 0; i < process::kParameterCount; ++i) p.set(specAt(i).parameter, rows_[i].spin->value());
    return p;
}

void WhatIfPanel::showLarge(const QImage& image) {
    preview_->setPixmap(QPixmap::fromImage(image.scaled(kPreview, kPreview, Qt::KeepAspectRatio, Qt::FastTransformation)));
}

void WhatIfPanel::useSettingsOf(const ml::ProcessSampleMetadata& m) {
    setParameters(m.parameters);
    firstSeed_->setValue(int(std::min<std::uint64_t>(m.seed, std::uint64_t(firstSeed_->maximum()))));
    steps_->setValue(m.steps);
    guidance_->setValue(m.guidance);
    eta_->setValue(m.eta);
}

void WhatIfPanel::setParameters(const process::ProcessParameters& parameters) {
    for (std::size_t i = 0; i < process::kParameterCount; ++i) rows_[i].spin->setValue(parameters.get(specAt(i).parameter));
    updateRangeWarning();
}

void WhatIfPanel::updateRangeWarning() {
    if (!rangeWarning_) return;
    const auto violations = process::findOutOfRange(parameters());
    QStringList lines;
    for (const auto& v : violations) {
        const auto& spec = process::parameterSpec(v.parameter);
        lines << tr("⚠ %1 %2 %3 is %4 the training range (%5 – %6) by %7 normalised units: the model extrapolates.")
                     .arg(labelOf(spec)).arg(v.value, 0, 'g', 5).arg(unitOf(spec))
                     .arg(v.above ? tr("above") : tr("below")).arg(spec.minimum).arg(spec.maximum)
                     .arg(v.excess, 0, 'f', 2);
    }
    rangeWarning_->setText(lines.join(QChar('\n')));
    rangeWarning_->setVisible(!lines.isEmpty());
    for (std::size_t i = 0; i < process::kParameterCount; ++i) {
        const bool outside = std::any_of(violations.begin(), violations.end(),
                                         [&](const auto& v) { return v.parameter == specAt(i).parameter; });
        rows_[i].spin->setStyleSheet(outside ? textColourStyle(kCautionColour) : QString());
    }
}

ml::ProcessSampleRequest WhatIfPanel::request() const {
    ml::ProcessSampleRequest r;
    r.parameters = parameters();
    r.seeds.clear();
    for (int i = 0; i < sampleCount_->value(); ++i) r.seeds.push_back(std::uint64_t(firstSeed_->value()) + std::uint64_t(i));
    r.sampling = {steps_->value(), guidance_->value(), eta_->value()};
    r.previews = true;
    return r;
}

void WhatIfPanel::generate() {
    currentRequest_ = worker_->requestInteractive(request());
    shownOfCurrent_ = 0;
    progress_->setRange(0, steps_->value());
    progress_->setValue(0);
    setRunning(true);
}

void WhatIfPanel::cancel() {
    worker_->cancelInteractive();
    setRunning(false);
    progress_->setValue(0);
}

void WhatIfPanel::setRunning(bool running) {
    cancelButton_->setEnabled(running);
}

void WhatIfPanel::onResult(const ProcessSampleOutput& output) {
    if (output.id != currentRequest_) return;
    setRunning(false);
    progress_->setValue(progress_->maximum());
    addToGallery(output, 0);
    if (!output.images.empty()) showLarge(output.images.front());
}

void WhatIfPanel::addToGallery(const ProcessSampleOutput& output, int firstIndex) {
    // Newest request first, its images in seed order; images handed over early are not added
    // again with the result.
    bool added = false;
    for (std::size_t i = 0; i < output.images.size(); ++i) {
        const int index = firstIndex + int(i);
        if (index < shownOfCurrent_) continue;
        const auto& m = output.metadata.at(i);
        // After the index of the request's earlier images (fewer when Clear removed them).
        const auto row = std::min(std::size_t(index), gallery_.size());
        gallery_.insert(gallery_.begin() + std::ptrdiff_t(row), GalleryEntry{output.images[i], m});
        auto* item = new QListWidgetItem(QIcon(thumbnail(output.images[i])), captionFor(m));
        item->setToolTip(tooltipFor(m));
        galleryList_->insertItem(int(row), item);
        shownOfCurrent_ = index + 1;
        added = true;
    }
    while (gallery_.size() > kGalleryLimit) {
        gallery_.pop_back();
        delete galleryList_->takeItem(galleryList_->count() - 1);
    }
    if (added) Q_EMIT galleryChanged();
}

QStringList WhatIfPanel::saveImages(const QString& directory) const {
    std::vector<int> rows;
    for (const auto* item : galleryList_->selectedItems()) rows.push_back(galleryList_->row(item));
    if (rows.empty()) for (int i = 0; i < int(gallery_.size()); ++i) rows.push_back(i);
    if (rows.empty()) throw Error("what-if: there are no images to save");
    std::sort(rows.begin(), rows.end());
    QStringList files;
    for (const int row : rows) {
        const auto& entry = gallery_.at(std::size_t(row));
        const auto& m = entry.metadata;
        QString name = QStringLiteral("whatif_%1_seed%2").arg(QString::fromStdString(m.modelId)).arg(m.seed);
        for (std::size_t i = 0; i < process::kParameterCount; ++i) name += QStringLiteral("_%1").arg(m.parameters.get(specAt(i).parameter), 0, 'g', 4);
        QString file = QDir(directory).filePath(name + QStringLiteral(".png"));
        for (int n = 2; files.contains(file); ++n) file = QDir(directory).filePath(name + QStringLiteral("_%1.png").arg(n));
        writePng(file.toStdString(), toRgb(entry.image), {{kPngMetadataKey, m.toJson().dump()}});
        files << file;
    }
    return files;
}

void WhatIfPanel::saveImagesInteractively() {
    if (gallery_.empty()) return;
    const QString directory = QFileDialog::getExistingDirectory(this, tr("Save images into"));
    if (directory.isEmpty()) return;
    try {
        const auto files = saveImages(directory);
        status_->setText(tr("Saved %n image(s) into %1", nullptr, int(files.size())).arg(QDir::toNativeSeparators(directory)));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Save images"), QString::fromStdString(e.what()));
    }
}

void WhatIfPanel::runSweep() {
    if (currentSweep_) worker_->cancelSweep(currentSweep_);
    sweep_ = {};
    sweep_.x = specAt(std::size_t(sweepX_.parameter->currentIndex())).parameter;
    sweep_.y = specAt(std::size_t(sweepY_.parameter->currentIndex())).parameter;
    sweep_.xValues = linspace(sweepX_.lo->value(), sweepX_.hi->value(), sweepX_.count->value());
    sweep_.yValues = linspace(sweepY_.lo->value(), sweepY_.hi->value(), sweepY_.count->value());
    sweep_.cells.assign(sweep_.yValues.size(), std::vector<GalleryEntry>(sweep_.xValues.size()));

    const auto base = request();
    std::vector<ml::ProcessSampleRequest> cells;
    for (const double y : sweep_.yValues) {
        for (const double x : sweep_.xValues) {
            auto cell = base;
            cell.parameters.set(sweep_.x, x);
            cell.parameters.set(sweep_.y, y);
            cell.seeds = {base.seeds.front()};  // one seed per cell: the grid shows the parameters' effect
            cell.previews = false;
            cells.push_back(cell);
        }
    }
    const auto& xs = process::parameterSpec(sweep_.x);
    const auto& ys = process::parameterSpec(sweep_.y);
    sweepTable_->clear();
    sweepTable_->setColumnCount(int(sweep_.xValues.size()));
    sweepTable_->setRowCount(int(sweep_.yValues.size()));
    QStringList columns, rowsLabels;
    for (const double x : sweep_.xValues) columns << QStringLiteral("%1 %2").arg(x, 0, 'g', 4).arg(unitOf(xs));
    for (const double y : sweep_.yValues) rowsLabels << QStringLiteral("%1 %2").arg(y, 0, 'g', 4).arg(unitOf(ys));
    sweepAxes_->setText(tr("→ %1   ↓ %2").arg(labelOf(xs), labelOf(ys)));
    sweepTable_->setHorizontalHeaderLabels(columns);
    sweepTable_->setVerticalHeaderLabels(rowsLabels);
    const int cellSize = sweepTable_->iconSize().width() + 8;
    sweepTable_->horizontalHeader()->setDefaultSectionSize(cellSize);
    sweepTable_->verticalHeader()->setDefaultSectionSize(cellSize);
    currentSweep_ = worker_->queueSweep(cells);
    sweepCancelButton_->setEnabled(true);
    sweepSaveButton_->setEnabled(false);
}

void WhatIfPanel::onSweepCell(quint64 sweepId, int index, const ProcessSampleOutput& output) {
    if (sweepId != currentSweep_ || output.images.empty()) return;
    const int columns = int(sweep_.xValues.size());
    const int row = index / columns, column = index % columns;
    sweep_.cells[std::size_t(row)][std::size_t(column)] = GalleryEntry{output.images.front(), output.metadata.front()};
    ++sweep_.done;
    auto* item = new QTableWidgetItem;
    item->setData(Qt::DecorationRole, QPixmap::fromImage(output.images.front().scaled(
                                          sweepTable_->iconSize(), Qt::KeepAspectRatio, Qt::FastTransformation)));
    item->setToolTip(tooltipFor(output.metadata.front()));
    sweepTable_->setItem(row, column, item);
    progress_->setRange(0, int(sweep_.xValues.size() * sweep_.yValues.size()));
    progress_->setValue(sweep_.done);
}

void WhatIfPanel::onSweepFinished(quint64 sweepId, bool cancelled) {
    if (sweepId != currentSweep_) return;
    currentSweep_ = 0;
    sweepCancelButton_->setEnabled(false);
    sweepSaveButton_->setEnabled(!cancelled && hasCompleteSweep());
    if (!cancelled) Q_EMIT sweepCompleted();
}

bool WhatIfPanel::hasCompleteSweep() const {
    return !sweep_.cells.empty() && sweep_.done == int(sweep_.xValues.size() * sweep_.yValues.size());
}

void WhatIfPanel::saveContactSheet(const QString& file) const {
    if (!hasCompleteSweep()) throw Error("what-if: no complete sweep to save as a contact sheet");
    const auto& xs = process::parameterSpec(sweep_.x);
    const auto& ys = process::parameterSpec(sweep_.y);
    ContactSheetLayout layout;
    layout.columnTitle = std::string(xs.label) + " " + std::string(xs.unit);
    layout.rowTitle = std::string(ys.label) + " " + std::string(ys.unit);
    auto number = [](double v) { return QString::number(v, 'g', 4).toStdString(); };
    for (const double x : sweep_.xValues) layout.columnLabels.push_back(number(x));
    for (const double y : sweep_.yValues) layout.rowLabels.push_back(number(y));
    std::vector<std::vector<RgbImage8>> cells;
    nlohmann::json metadata;
    metadata["kind"] = "whatif_sweep";
    metadata["x"] = {{"parameter", std::string(xs.name)}, {"unit", std::string(xs.unit)}, {"values", sweep_.xValues}};
    metadata["y"] = {{"parameter", std::string(ys.name)}, {"unit", std::string(ys.unit)}, {"values", sweep_.yValues}};
    metadata["cells"] = nlohmann::json::array();
    for (const auto& row : sweep_.cells) {
        cells.emplace_back();
        for (const auto& cell : row) {
            cells.back().push_back(toRgb(cell.image));
            metadata["cells"].push_back(cell.metadata.toJson());
        }
    }
    writePng(file.toStdString(), composeContactSheet(cells, layout), {{kPngMetadataKey, metadata.dump()}});
}

void WhatIfPanel::saveContactSheetInteractively() {
    const QString file = QFileDialog::getSaveFileName(this, tr("Save contact sheet"), QStringLiteral("whatif_sweep.png"),
                                                      tr("PNG images (*.png)"));
    if (file.isEmpty()) return;
    try {
        saveContactSheet(file);
        status_->setText(tr("Saved the contact sheet %1").arg(QDir::toNativeSeparators(file)));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Save contact sheet"), QString::fromStdString(e.what()));
    }
}

QDoubleSpinBox* WhatIfPanel::parameterSpinBox(ProcessParameter parameter) const { return rows_[std::size_t(parameter)].spin; }
QSlider* WhatIfPanel::parameterSlider(ProcessParameter parameter) const { return rows_[std::size_t(parameter)].slider; }

}  // namespace lf::ui
