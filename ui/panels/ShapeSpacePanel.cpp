#include "ui/panels/ShapeSpacePanel.h"

#include "core/geometry/LatentFile.h"
#include "core/model/ModelLocator.h"
#include "core/util/Error.h"
#include "ui/ShapeDesign.h"
#include "ui/ShapeExplorer.h"
#include "ui/StatusColours.h"
#include "ui/WorkerErrors.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace lf::ui {

namespace {
QString sigmaText(double sigmas)
{
    return QStringLiteral("%1%2σ").arg(sigmas >= 0 ? QStringLiteral("+") : QString()).arg(sigmas, 0, 'f', 2);
}
}  // namespace

ShapeSpacePanel::ShapeSpacePanel(ShapeExplorer* explorer, QWidget* parent)
    : QDockWidget(tr("Shape Space"), parent), explorer_(explorer)
{
    setObjectName(QStringLiteral("ShapeSpacePanel"));
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);

    modelCombo_ = new QComboBox;
    modelCombo_->setObjectName(QStringLiteral("modelCombo"));
    layout->addWidget(modelCombo_);
    statusLabel_ = new QLabel;
    statusLabel_->setObjectName(QStringLiteral("shapeStatus"));
    statusLabel_->setWordWrap(true);
    statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(statusLabel_);
    qualityLabel_ = new QLabel;
    qualityLabel_->setObjectName(QStringLiteral("shapeQuality"));
    qualityLabel_->setWordWrap(true);
    qualityLabel_->setTextFormat(Qt::RichText);
    qualityLabel_->hide();
    layout->addWidget(qualityLabel_);

    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(new QLabel(tr("Seed")));
    seedSpin_ = new QSpinBox;
    seedSpin_->setObjectName(QStringLiteral("seedSpin"));
    seedSpin_->setRange(0, std::numeric_limits<int>::max());
    seedSpin_->setKeyboardTracking(false);  // one edit per typed number, not per digit
    seedRow->addWidget(seedSpin_, 1);
    randomButton_ = new QPushButton(tr("Random"));
    randomButton_->setObjectName(QStringLiteral("randomButton"));
    seedRow->addWidget(randomButton_);
    layout->addLayout(seedRow);

    auto* familyRow = new QHBoxLayout;
    familyRow->addWidget(new QLabel(tr("Family")));
    familyCombo_ = new QComboBox;
    familyCombo_->setObjectName(QStringLiteral("familyCombo"));
    familyCombo_->setToolTip(tr("Jump to a product family's typical shape; Random then draws from it"));
    familyRow->addWidget(familyCombo_, 1);
    familyLabel_ = new QLabel;  // the current design's family
    familyLabel_->setObjectName(QStringLiteral("familyLabel"));
    familyRow->addWidget(familyLabel_);
    layout->addLayout(familyRow);

    auto* psiRow = new QHBoxLayout;
    psiRow->addWidget(new QLabel(tr("Truncation ψ")));
    psiSpin_ = new QDoubleSpinBox;
    psiSpin_->setObjectName(QStringLiteral("psiSpin"));
    psiSpin_->setRange(0.0, 1.5);
    psiSpin_->setSingleStep(0.05);
    psiSpin_->setValue(1.0);
    psiSpin_->setKeyboardTracking(false);
    psiSpin_->setToolTip(tr("Pulls the design towards the average shape: below 1 gives more "
                            "typical shapes, above 1 exaggerates"));
    psiRow->addWidget(psiSpin_, 1);
    layout->addLayout(psiRow);

    auto* heightRow = new QHBoxLayout;
    measureCombo_ = new QComboBox;
    measureCombo_->setObjectName(QStringLiteral("measureCombo"));
    measureCombo_->addItem(tr("Height"), int(DesignMeasure::Height));
    measureCombo_->addItem(tr("Largest"), int(DesignMeasure::LargestDimension));
    measureCombo_->setToolTip(tr("Size the design by its height, or by its largest dimension (flat parts: "
                                 "a flange's or a bowl's diameter)"));
    heightRow->addWidget(measureCombo_);
    heightSpin_ = new QDoubleSpinBox;
    heightSpin_->setObjectName(QStringLiteral("heightSpin"));
    heightSpin_->setRange(0.1, 100000.0);
    heightSpin_->setDecimals(1);
    heightSpin_->setSuffix(tr(" mm"));
    heightSpin_->setKeyboardTracking(false);
    heightSpin_->setEnabled(false);  // until a shape is shown
    heightSpin_->setToolTip(tr("The design's size: sizes it for the view, the mesh report and "
                               "exports (files are written in millimetres). Sliders and seeds keep "
                               "the scale, so proportions show; an encoded mesh keeps its own size."));
    heightRow->addWidget(heightSpin_, 1);
    layout->addLayout(heightRow);

    auto* slidersBox = new QWidget;
    slidersLayout_ = new QVBoxLayout(slidersBox);
    slidersLayout_->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(slidersBox);

    auto* buttons = new QGridLayout;
    auto* resetButton = new QPushButton(tr("Reset"));
    auto* favouriteButton = new QPushButton(tr("Add to favourites"));
    favouriteButton->setObjectName(QStringLiteral("favouriteButton"));
    auto* copyButton = new QPushButton(tr("Copy latent"));
    auto* pasteButton = new QPushButton(tr("Paste latent"));
    auto* loadButton = new QPushButton(tr("Load latent…"));
    buttons->addWidget(resetButton, 0, 0);
    buttons->addWidget(favouriteButton, 0, 1);
    buttons->addWidget(copyButton, 1, 0);
    buttons->addWidget(pasteButton, 1, 1);
    buttons->addWidget(loadButton, 2, 0);
    layout->addLayout(buttons);
    layout->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(body);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    body->setMinimumWidth(260);
    setWidget(scroll);

    ShapeDesign* design = explorer_->design();
    connect(seedSpin_, &QSpinBox::valueChanged, this,
            [design](int seed) { design->setSeed(std::uint64_t(seed)); });
    connect(randomButton_, &QPushButton::clicked, this, &ShapeSpacePanel::drawRandomSeed);
    connect(familyCombo_, &QComboBox::activated, this, [this, design](int index) {
        design->setFamily(familyCombo_->itemData(index).toInt());
    });
    connect(psiSpin_, &QDoubleSpinBox::valueChanged, this,
            [design](double psi) { design->setPsi(psi); });
    connect(heightSpin_, &QDoubleSpinBox::valueChanged, this, [this, design](double mm) {
        const DecodedShape& shape = explorer_->lastShape();
        if (!shape.mesh || shape.mesh->vertices.empty()) return;
        // The shown shape's measure in model units, brought to the typed size.
        const double modelUnits = designMeasure(*shape.mesh, measure()) / shape.scale;
        if (modelUnits > 0) design->setScale(mm / modelUnits);
    });
    connect(explorer_, &ShapeExplorer::shapeDecoded, this, &ShapeSpacePanel::showSize);
    connect(measureCombo_, &QComboBox::currentIndexChanged, this, [this] { showSize(explorer_->lastShape()); });
    connect(resetButton, &QPushButton::clicked, design, &ShapeDesign::reset);
    connect(favouriteButton, &QPushButton::clicked, this, [this] { explorer_->addFavourite(); });
    connect(copyButton, &QPushButton::clicked, this, &ShapeSpacePanel::copyLatent);
    connect(pasteButton, &QPushButton::clicked, this, &ShapeSpacePanel::pasteLatent);
    connect(loadButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load latent"), QString(),
                                                          tr("Latent JSON (*.json)"));
        if (!path.isEmpty()) loadLatentFile(path);
    });
    connect(modelCombo_, &QComboBox::activated, this, [this](int index) {
        const QString dir = modelCombo_->itemData(index).toString();
        if (!dir.isEmpty() && dir != explorer_->model().directory) explorer_->loadModel(dir);
    });

    connect(design, &ShapeDesign::spaceChanged, this, &ShapeSpacePanel::rebuildSliders);
    connect(design, &ShapeDesign::spaceChanged, this, &ShapeSpacePanel::rebuildFamilies);
    connect(design, &ShapeDesign::changed, this, &ShapeSpacePanel::syncFromDesign);
    connect(explorer_, &ShapeExplorer::modelLoading, this, [this](const QString& dir) {
        showStatus(tr("Loading %1…").arg(QFileInfo(dir).fileName()), false);
    });
    connect(explorer_, &ShapeExplorer::modelChanged, this, [this] {
        const ShapeModelInfo& m = explorer_->model();
        // The cube sign is appended: Qt's arg() would read "%3³" as placeholder 33.
        showStatus(tr("%1: latent %2, grid %3, %4 directions")
                       .arg(m.name.isEmpty() ? m.id : m.name)
                       .arg(m.latentSize)
                       .arg(QString::number(m.gridResolution) + QChar(0x00B3))
                       .arg(m.directions.count()),
                   false);
        showQuality(m.quality);
        refreshModels();
    });
    connect(explorer_, &ShapeExplorer::modelFailed, this,
            [this](const QString& message) { showStatus(message, true); });
    connect(explorer_, &ShapeExplorer::decodeFailed, this,
            [this](const QString& message) { showStatus(message, true); });

    refreshModels();
    rebuildSliders();
    rebuildFamilies();
}

void ShapeSpacePanel::showQuality(const StoredShapeQuality& quality)
{
    qualityLabel_->show();
    if (!quality.any()) {
        qualityLabel_->setText(tr("No quality measured for this model (<i>latentforge-cli eval shape-vae</i>)."));
        qualityLabel_->setToolTip({});
        return;
    }
    // Figures under their target in amber: what a designer should expect of the space, e.g. that
    // a blend across families may come apart (the interpolation strip marks such steps).
    auto figure = [](double value, double target, const QString& text) {
        return value < target ? cautionText(text) : text;
    };
    auto percent = [](double share) { return QStringLiteral("%1 %").arg(share * 100, 0, 'f', 0); };
    QStringList parts;
    if (quality.heldOutIou)
        parts << tr("reconstruction IoU %1").arg(figure(*quality.heldOutIou, kShapeIouTarget,
                                                        QString::number(*quality.heldOutIou, 'f', 2)));
    if (quality.samplesOneBody)
        parts << tr("random designs in one part %1").arg(figure(*quality.samplesOneBody, kOneBodyTarget,
                                                                percent(*quality.samplesOneBody)));
    if (quality.midpointsOneBody) {
        QString blends = tr("blends in one part %1").arg(figure(*quality.midpointsOneBody, kOneBodyTarget,
                                                                percent(*quality.midpointsOneBody)));
        if (quality.crossFamilyMidpointsOneBody)
            blends += tr(" (across families %1)").arg(percent(*quality.crossFamilyMidpointsOneBody));
        parts << blends;
    }
    qualityLabel_->setText(tr("Measured: %1").arg(parts.join(QStringLiteral(" · "))));
    qualityLabel_->setToolTip(tr("From this model's <i>eval shape-vae</i>: IoU of encoded held-out shapes (target %1), "
                                 "and the share of random designs (ψ 0.7) and of halfway blends between training "
                                 "shapes that decode to one watertight part (target %2 %). Amber: under target.")
                                  .arg(kShapeIouTarget, 0, 'f', 2)
                                  .arg(kOneBodyTarget * 100, 0, 'f', 0));
}

QString ShapeSpacePanel::statusText() const
{
    return statusLabel_->text();
}

void ShapeSpacePanel::showStatus(const QString& text, bool error)
{
    statusLabel_->setText(text);
    statusLabel_->setStyleSheet(error ? textColourStyle(kErrorColour) : QString());
}

void ShapeSpacePanel::refreshModels()
{
    const QSignalBlocker blocker(modelCombo_);
    modelCombo_->clear();
    for (const LocatedModel& m : listModels(ModelKind::ShapeVae, explorer_->searchPaths())) {
        const QString dir = QString::fromStdString(m.directory.string());
        const QString label = m.manifest.name.empty()
                                  ? QString::fromStdString(m.manifest.id)
                                  : QStringLiteral("%1 (%2)").arg(QString::fromStdString(m.manifest.name),
                                                                  QString::fromStdString(m.manifest.id));
        modelCombo_->addItem(label, dir);
    }
    if (explorer_->hasModel()) {
        int index = modelCombo_->findData(explorer_->model().directory);
        if (index < 0) {  // loaded from elsewhere (tests, a folder outside the search paths)
            modelCombo_->addItem(explorer_->model().id, explorer_->model().directory);
            index = modelCombo_->count() - 1;
        }
        modelCombo_->setCurrentIndex(index);
    }
    modelCombo_->setEnabled(modelCombo_->count() > 0);
}

void ShapeSpacePanel::rebuildSliders()
{
    for (QLabel* l : sliderLabels_) delete l;
    for (QSlider* s : sliders_) delete s;
    sliders_.clear();
    sliderLabels_.clear();
    const auto& directions = explorer_->design()->directions();
    const int count = std::min(kMaxDirections, explorer_->design()->hasSpace() ? directions.count() : 0);
    for (int k = 0; k < count; ++k) {
        auto* label = new QLabel;
        auto* slider = new QSlider(Qt::Horizontal);
        slider->setObjectName(QStringLiteral("direction%1").arg(k + 1));
        slider->setRange(-3 * kSliderStepsPerSigma, 3 * kSliderStepsPerSigma);
        slider->setSingleStep(10);
        slider->setPageStep(50);
        slider->setTickPosition(QSlider::TicksBelow);
        slider->setTickInterval(kSliderStepsPerSigma);
        slider->setToolTip(tr("Principal direction %1 of the training shapes (σ = %2)")
                               .arg(k + 1)
                               .arg(directions.sigma[std::size_t(k)], 0, 'g', 3));
        slidersLayout_->addWidget(label);
        slidersLayout_->addWidget(slider);
        sliderLabels_.append(label);
        sliders_.append(slider);
        connect(slider, &QSlider::sliderPressed, this, [this] { ++dragSerial_; });
        connect(slider, &QSlider::valueChanged, this,
                [this, k](int value) { onSliderMoved(k, value); });
        connect(slider, &QSlider::sliderReleased, this,
                [this] { explorer_->design()->finishInteraction(); });
    }
    syncFromDesign();
}

void ShapeSpacePanel::rebuildFamilies()
{
    familyCombo_->clear();
    familyCombo_->addItem(tr("Any family"), -1);
    const ShapeDesign* design = explorer_->design();
    const int families = design->familyCount();
    for (int k = 0; k < families; ++k) familyCombo_->addItem(design->familyName(k), k);
    familyCombo_->setEnabled(families > 0);
    syncFromDesign();
}

void ShapeSpacePanel::drawRandomSeed()
{
    // The seed is drawn here and shown, so the shape can be reproduced by typing it. With a
    // family chosen, seeds are drawn until one of that family comes up (1 in 8 on average).
    const int family = familyCombo_->currentData().toInt();
    int seed = 0;
    for (int attempt = 0; attempt < 10000; ++attempt) {
        seed = int(QRandomGenerator::global()->bounded(1, std::numeric_limits<int>::max()));
        if (family < 0 || explorer_->design()->familyOfSeed(std::uint64_t(seed)) == family) break;
    }
    seedSpin_->setValue(seed);
}

QString ShapeSpacePanel::familyText() const
{
    return familyLabel_->text();
}

void ShapeSpacePanel::onSliderMoved(int index, int value)
{
    QSlider* slider = sliders_.value(index);
    if (!slider) return;
    const bool dragging = slider->isSliderDown();
    if (!dragging) ++dragSerial_;  // keyboard/wheel steps: one undo step each
    explorer_->design()->setCoefficient(index, double(value) / kSliderStepsPerSigma, dragSerial_,
                                        dragging);
}

DesignMeasure ShapeSpacePanel::measure() const
{
    return DesignMeasure(measureCombo_->currentData().toInt());
}

void ShapeSpacePanel::showSize(const DecodedShape& shape)
{
    const QSignalBlocker blocker(heightSpin_);
    const bool shown = shape.mesh && !shape.mesh->vertices.empty();
    heightSpin_->setEnabled(shown);
    if (shown) heightSpin_->setValue(designMeasure(*shape.mesh, measure()));
}

void ShapeSpacePanel::syncFromDesign()
{
    const ShapeDesign* design = explorer_->design();
    for (int k = 0; k < sliders_.size(); ++k) {
        const double sigmas = design->coefficient(k);
        sliderLabels_[k]->setText(tr("Direction %1: %2").arg(k + 1).arg(sigmaText(sigmas)));
        if (sliders_[k]->isSliderDown()) continue;  // the user holds it
        const QSignalBlocker blocker(sliders_[k]);
        sliders_[k]->setValue(int(std::lround(std::clamp(sigmas, -3.0, 3.0) * kSliderStepsPerSigma)));
    }
    {
        const QSignalBlocker blocker(seedSpin_);
        seedSpin_->setValue(int(std::min<std::uint64_t>(design->state().seed,
                                                        std::uint64_t(std::numeric_limits<int>::max()))));
    }
    {
        const QSignalBlocker blocker(psiSpin_);
        psiSpin_->setValue(design->state().psi);
    }
    familyLabel_->setText(design->familyName(design->state().family));
    const bool enabled = design->hasSpace();
    seedSpin_->setEnabled(enabled);
    randomButton_->setEnabled(enabled);
    psiSpin_->setEnabled(enabled);
}

void ShapeSpacePanel::copyLatent()
{
    if (!explorer_->design()->hasSpace()) return;
    // With the design's size as a placement (centred, 1 / scale), as encode writes it: `decode`
    // and Paste put it back as large as it is here.
    MeshNormalisation size;
    size.scale = float(1.0 / explorer_->design()->state().scale);
    const auto json = latentFileToJson(explorer_->design()->effectiveLatent(), &size);
    QApplication::clipboard()->setText(QString::fromStdString(json.dump()));
    showStatus(tr("Latent copied to the clipboard"), false);
}

bool ShapeSpacePanel::pasteLatent()
{
    return applyLatentJson(QApplication::clipboard()->text().toUtf8(), tr("the clipboard"));
}

bool ShapeSpacePanel::loadLatentFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showStatus(tr("%1: cannot read the file (%2)").arg(path, file.errorString()), true);
        return false;
    }
    return applyLatentJson(file.readAll(), QFileInfo(path).fileName());
}

bool ShapeSpacePanel::applyLatentJson(const QByteArray& text, const QString& source)
{
    ShapeDesign* design = explorer_->design();
    if (!design->hasSpace()) {
        showStatus(noShapeModelMessage(), true);
        return false;
    }
    try {
        const auto json = nlohmann::json::parse(text.toStdString());
        const LatentFile file = latentFileFromJson(json, design->latentSize());
        // A placement (encode's, or a copied design's) brings its size; without one the
        // design keeps the current size.
        const QString what = tr("Latent from %1").arg(source);
        if (file.placement)
            design->setEncodedLatent(file.latent, 1.0 / double(file.placement->scale), what);
        else
            design->setLatent(file.latent, what);
        showStatus(tr("Latent loaded from %1").arg(source), false);
        return true;
    } catch (const nlohmann::json::exception& e) {
        showStatus(tr("%1: not JSON (%2)").arg(source, QString::fromUtf8(e.what())), true);
    } catch (const Error& e) {
        showStatus(tr("%1: %2").arg(source, QString::fromStdString(e.what())), true);
    }
    return false;
}

}  // namespace lf::ui
